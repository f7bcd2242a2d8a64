/**
 * Takes docs/ws_dashboard.png, the README's picture of examples/ws_dashboard.ts: starts the
 * example, opens it in Debian's headless Chromium, lets the stream run, sends two requests from
 * the page's form, and captures the page. Not a test; run by hand:
 * `deno run -A tests/browser/screenshot.ts` or `bun tests/browser/screenshot.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Chromium } from "../helpers/chromium.ts";
import { startDashboard } from "../helpers/dashboard.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dashboard = await startDashboard(100);
let browser: Chromium | undefined;
try {
  browser = await Chromium.open(dashboard.url, { width: 1100, height: 520 });
  // Let the chart fill, then ask twice through the form, as a user would.
  await browser.evaluate(`new Promise((r) => setTimeout(r, 9000))`, 20000);
  for (const q of ["hello, zeromq", "over websocket"]) {
    await browser.evaluate(`(async () => {
      document.getElementById("question").value = ${JSON.stringify(q)};
      const before = document.getElementById("replies").children.length;
      document.querySelector("#ask button").click();
      while (document.getElementById("replies").children.length === before) {
        await new Promise((r) => setTimeout(r, 10));
      }
    })()`);
  }
  await browser.evaluate(`new Promise((r) => setTimeout(r, 600))`);
  const png = await browser.screenshot();
  writeFileSync(`${root}docs/ws_dashboard.png`, png);
  console.log(`docs/ws_dashboard.png: ${png.length} bytes; page errors: ${browser.errors.length}`);
} finally {
  await browser?.close();
  dashboard.stop();
}
