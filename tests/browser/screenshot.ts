/**
 * Takes docs/ws_dashboard.png, the README's picture of examples/ws_dashboard.ts: starts the
 * example, opens it in Debian's headless Chromium, lets the stream run, sends two requests from
 * the page's form, and captures the page. Not a test; run by hand:
 * `deno run -A tests/browser/screenshot.ts` or `bun tests/browser/screenshot.ts`.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Chromium } from "../helpers/chromium.ts";
import { until } from "../helpers/timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const args = [
  ...("Bun" in globalThis ? [] : ["run", "-A"]),
  "examples/ws_dashboard.ts",
  "--port",
  "0",
  "--interval",
  "100",
];
const server = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
server.stdout!.on("data", (d) => (out += d));
let browser: Chromium | undefined;
try {
  await until(() => /open (http:\/\/\S+)/.test(out), 30000, "the example to start");
  browser = await Chromium.open(/open (http:\/\/\S+)/.exec(out)![1]!, { width: 1100, height: 520 });
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
  server.kill();
}
