// The real socket.io-client (4.x) against a running sandbox, driven by
// tests/contract/tribble/test_socketio_js.py. One JSON object per stdout line.
//
//   node socketio_client.mjs '{"urls": [...], "token": "...", "userId": "...", "events": 1,
//                              "refuseUrls": [...], "refuse": {"<label>": <auth object>, ...}}'
//
// 1. Connects to every URL of `urls` with `auth: {token: "Bearer <token>"}` as tribble-rest.md
//    shows, emits `subscribe` with `channels: ["user:<userId>", "transaction:all"]` and prints
//    {"type": "subscribed", "url", "ack"}; once all are subscribed it prints {"type": "ready"}.
// 2. Prints {"type": "event", "url", "name", "payload"} for every documented event, until each
//    connection has received `events` of them; then disconnects.
// 3. For every URL of `refuseUrls` and every auth of `refuse` ({label: auth object}) opens a
//    connection that the server must refuse and prints {"type": "refused", "url", "label",
//    "message", "messageType", "data"} (err.message and err.data of connect_error), or
//    {"type": "connected", ...} if the server let it in.
// 4. Prints {"type": "done"} and exits 0. Any failure prints {"type": "error", "message"}, exit 1.
// A step that gets no answer within STEP_MS fails instead of hanging the test run.

import { io } from "socket.io-client";

const STEP_MS = 15000;
const EVENTS = ["transaction:completed", "subscription:charged", "dispute:created", "fraud:risk_alert"];
const options = JSON.parse(process.argv[2] ?? "{}");

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function withDeadline(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STEP_MS} ms: ${what}`)), STEP_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function open(url, auth) {
  return io(url, { auth, reconnection: false, forceNew: true, transports: ["polling", "websocket"] });
}

async function subscribe(url) {
  const socket = open(url, { token: `Bearer ${options.token}` });
  const received = [];
  let wanted;
  const enough = new Promise((resolve) => {
    wanted = resolve;
  });
  for (const name of EVENTS) {
    socket.on(name, (payload) => {
      received.push(name);
      print({ type: "event", url, name, payload });
      if (received.length >= options.events) wanted();
    });
  }
  await withDeadline(
    new Promise((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", (err) => reject(new Error(`connect_error on ${url}: ${err.message}`)));
    }),
    `connect ${url}`,
  );
  const ack = await withDeadline(
    socket.emitWithAck("subscribe", { channels: [`user:${options.userId}`, "transaction:all"] }),
    `subscribe ack on ${url}`,
  );
  print({ type: "subscribed", url, ack });
  return { socket, url, enough };
}

async function refused(url, label, auth) {
  const socket = open(url, auth);
  try {
    const outcome = await withDeadline(
      new Promise((resolve) => {
        socket.on("connect", () => resolve({ type: "connected", url, label }));
        socket.on("connect_error", (err) =>
          resolve({
            type: "refused",
            url,
            label,
            message: err.message,
            messageType: typeof err.message,
            data: err.data === undefined ? null : err.data,
          }),
        );
      }),
      `refusal on ${url} (${label})`,
    );
    print(outcome);
  } finally {
    socket.disconnect();
  }
}

async function main() {
  const sessions = [];
  try {
    for (const url of options.urls ?? []) sessions.push(await subscribe(url));
    print({ type: "ready" });
    for (const session of sessions) await withDeadline(session.enough, `events on ${session.url}`);
  } finally {
    for (const session of sessions) session.socket.disconnect();
  }
  for (const url of options.refuseUrls ?? []) {
    for (const [label, auth] of Object.entries(options.refuse ?? {})) await refused(url, label, auth);
  }
  print({ type: "done" });
}

main().then(
  () => process.exit(0),
  (err) => {
    print({ type: "error", message: String(err?.message ?? err) });
    process.exit(1);
  },
);
