// Paysandbox console: plain JavaScript over the JSON control API (no build step).
(function () {
  "use strict";
  var workspace = document.body.dataset.workspace || "default";
  var statusEl = document.getElementById("status");

  function headers(json, extra) {
    var h = { "Accept": "application/json" };
    if (json) h["Content-Type"] = "application/json";
    if (workspace !== "default") h["X-Sandbox-Workspace"] = workspace;
    if (extra) Object.keys(extra).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }

  // One Idempotency-Key per money form and page load: a double click funds once (a success reloads).
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return "console-" + window.crypto.randomUUID();
    return "console-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function say(text, bad) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = bad ? "bad" : "ok";
  }

  function call(method, url, body, extra) {
    return fetch(url, {
      method: method,
      headers: headers(body !== undefined, extra),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
        if (!resp.ok) {
          var msg = (data && (data.message || data.error)) || resp.statusText;
          throw new Error(resp.status + " " + msg);
        }
        return data;
      });
    });
  }

  function act(spec, body, show, extra) {
    var parts = spec.split(" ");
    return call(parts[0], parts[1], body, extra).then(function (data) {
      if (show && data && data[show]) {
        window.prompt(show, data[show]);
      }
      say(parts[0] + " " + parts[1] + ": ok");
      window.setTimeout(function () { window.location.reload(); }, 150);
    }).catch(function (err) { say(err.message, true); });
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-action]");
    if (!btn) return;
    ev.preventDefault();
    if (btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) return;
    var body = btn.dataset.body ? JSON.parse(btn.dataset.body) : undefined;
    act(btn.dataset.action, body, btn.dataset.show);
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest("form[data-api]");
    if (!form) return;
    ev.preventDefault();
    var spec = (ev.submitter && ev.submitter.dataset.api) || form.dataset.api;  // e.g. Fund vs Debit
    var extra;
    if (form.hasAttribute("data-idempotent")) {
      if (!form.dataset.key) form.dataset.key = newKey();
      extra = { "Idempotency-Key": form.dataset.key + (spec === form.dataset.api ? "" : ":" + spec.split("/").pop()) };
    }
    var body = {};
    try {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.value === "") return;
        if (el.hasAttribute("data-json")) body[el.name] = JSON.parse(el.value);
        else body[el.name] = el.type === "number" ? Number(el.value) : el.value;
      });
    } catch (err) {
      say("invalid JSON: " + err.message, true);
      return;
    }
    act(spec, body, form.dataset.show, extra);
  });

  // Panels: one at a time, chosen by the URL's #fragment (users when none); reloads keep it.
  var panels = Array.prototype.slice.call(document.querySelectorAll("main > section.panel"));
  var panelLinks = document.querySelectorAll("nav.panels a[data-panel]");
  function showPanel(name) {
    if (!panels.some(function (p) { return p.id === name; })) name = panels.length ? panels[0].id : "";
    panels.forEach(function (p) { p.classList.toggle("active", p.id === name); });
    Array.prototype.forEach.call(panelLinks, function (a) {
      if (a.dataset.panel === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }
  if (panels.length) {
    document.body.classList.add("tabbed");
    showPanel(window.location.hash.slice(1));
    window.addEventListener("hashchange", function () {
      showPanel(window.location.hash.slice(1));
      window.scrollTo(0, 0);
    });
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  // OTP inbox: refreshed every 2 s from GET /_sandbox/inbox.
  var inboxBody = document.getElementById("inbox-body");
  var inboxCount = document.getElementById("inbox-refreshes");
  function refreshInbox() {
    var query = "limit=25";
    var to = document.getElementById("inbox-to");
    var purpose = document.getElementById("inbox-purpose");
    if (to && to.value) query += "&to=" + encodeURIComponent(to.value);
    if (purpose && purpose.value) query += "&purpose=" + encodeURIComponent(purpose.value);
    call("GET", "/_sandbox/inbox?" + query).then(function (data) {
      var rows = document.createDocumentFragment();
      data.messages.forEach(function (m) {
        var tr = document.createElement("tr");
        tr.dataset.messageId = m.id;
        cell(tr, m.created_at); cell(tr, m.channel); cell(tr, m.to); cell(tr, m.purpose);
        cell(tr, m.code, "code otp-code"); cell(tr, m.body);
        tr.lastChild.title = m.subject;
        rows.appendChild(tr);
      });
      if (!data.messages.length) {
        var empty = document.createElement("tr");
        empty.className = "empty";
        var td = document.createElement("td");
        td.colSpan = 6; td.textContent = "No messages yet.";
        empty.appendChild(td); rows.appendChild(empty);
      }
      inboxBody.replaceChildren(rows);
      var n = Number(inboxCount.dataset.count || "0") + 1;
      inboxCount.dataset.count = String(n);
      inboxCount.textContent = String(n);
    }).catch(function (err) { say("inbox: " + err.message, true); });
  }
  if (inboxBody && inboxCount) {
    refreshInbox();
    window.setInterval(refreshInbox, 2000);
  }

  // Clock: the running sandbox time, every second.
  var clockNow = document.getElementById("clock-now");
  var clockFrozen = document.getElementById("clock-frozen");
  function refreshClock() {
    call("GET", "/_sandbox/clock").then(function (data) {
      clockNow.textContent = data.now;
      clockFrozen.textContent = data.frozen ? "frozen" : "running";
      clockFrozen.className = data.frozen ? "tag warn" : "tag";
    }).catch(function (err) { say("clock: " + err.message, true); });
  }
  if (clockNow && clockFrozen) window.setInterval(refreshClock, 1000);

  // An event's payload: one line (at most 72 characters) that opens on the whole JSON.
  function payloadCell(data) {
    var td = document.createElement("td");
    td.className = "payload";
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    var code = document.createElement("code");
    var line = JSON.stringify(data);
    code.textContent = line.length > 72 ? line.slice(0, 71) + "\u2026" : line;
    summary.appendChild(code);
    var pre = document.createElement("pre");
    pre.textContent = JSON.stringify(data, null, 2);
    details.appendChild(summary); details.appendChild(pre); td.appendChild(details);
    return td;
  }

  // Event log: new events (id > last seen) prepended every 3 s.
  var eventsBody = document.getElementById("events-body");
  function refreshEvents() {
    var last = Number(eventsBody.dataset.lastId || "0");
    call("GET", "/_sandbox/events?after=" + last + "&limit=100").then(function (data) {
      data.events.forEach(function (e) {
        var tr = document.createElement("tr");
        tr.dataset.eventId = e.id;
        cell(tr, e.id); cell(tr, e.created_at); cell(tr, e.platform); cell(tr, e.type); cell(tr, e.user_id);
        tr.appendChild(payloadCell(e.data));
        var empty = eventsBody.querySelector("tr.empty");
        if (empty) empty.remove();
        eventsBody.insertBefore(tr, eventsBody.firstChild);
        eventsBody.dataset.lastId = String(e.id);
      });
    }).catch(function (err) { say("events: " + err.message, true); });
  }
  if (eventsBody) window.setInterval(refreshEvents, 3000);
})();
