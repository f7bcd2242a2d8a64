/** Runs examples/ws_dashboard.ts on this runtime, for its test and the README's screenshot. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { until } from "./timeout.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Starts the example on a free port with ticks every `intervalMs`; resolves with its page's URL. */
export async function startDashboard(intervalMs: number): Promise<{ url: string; stop(): void }> {
  const args = [
    ...("Bun" in globalThis ? [] : ["run", "-A"]),
    "examples/ws_dashboard.ts",
    "--port",
    "0",
    "--interval",
    String(intervalMs),
  ];
  const server = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  server.stdout!.on("data", (d) => (out += d));
  try {
    await until(() => /open (http:\/\/\S+)/.test(out), 30000, "the example to start");
  } catch (e) {
    server.kill();
    throw e;
  }
  return { url: /open (http:\/\/\S+)/.exec(out)![1]!, stop: () => server.kill() };
}
