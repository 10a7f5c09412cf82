// Open one page in headless Chromium with the network off: every request to a host other than
// 127.0.0.1 is aborted (and recorded). Waits for a CSS selector, counts its matches, takes a
// screenshot, and prints one JSON line: {count, texts, blocked, local, errors}.
//
//   node offline_page.mjs '{"url": "...", "selector": ".opblock", "screenshot": "/tmp/x.png",
//                           "chromium": "/usr/bin/chromium", "timeout": 60000}'
import { chromium } from "playwright-core";

const job = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
  executablePath: job.chromium || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
  ],
});
const result = { count: 0, texts: [], blocked: [], local: [], errors: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: "block" });
  // Context-wide, so workers and popups are offline too.
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1") {
      result.local.push(url.pathname);
      return route.continue();
    }
    result.blocked.push(url.href);
    return route.abort("internetdisconnected");
  });
  const page = await context.newPage();
  page.on("pageerror", (err) => result.errors.push(String(err)));
  page.on("requestfailed", (req) => {
    if (new URL(req.url()).hostname === "127.0.0.1") result.errors.push(`failed: ${req.url()}`);
  });
  page.on("response", (resp) => {
    if (resp.status() >= 400) result.errors.push(`${resp.status()}: ${resp.url()}`);
  });
  await page.goto(job.url, { waitUntil: "load", timeout: job.timeout || 60000 });
  try {
    await page.locator(job.selector).first().waitFor({ state: "visible", timeout: job.timeout || 60000 });
  } catch (err) {
    result.errors.push(`never visible: ${job.selector}: ${err.message.split("\n")[0]}`);
  }
  const found = page.locator(job.selector);
  result.count = await found.count();
  result.texts = (await found.allInnerTexts()).slice(0, 200).map((t) => t.replace(/\s+/g, " ").trim());
  if (job.screenshot) await page.screenshot({ path: job.screenshot, fullPage: false });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
