/** Fresh endpoints for tests, so parallel runs never collide. */
import { after } from "node:test";
import { rmSync } from "node:fs";
import process from "node:process";

let n = 0;
const tag = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${n++}`;

// libzmq leaves an ipc socket's file behind when it closes (our core removes its own), and so
// does a peer that is killed: each file handed out is removed once this test file is done. Deno
// runs `after` once per test file; Bun shares this module between files, so it waits for exit.
const ipcFiles = new Set<string>();
const removeIpcFiles = () => {
  for (const path of ipcFiles) rmSync(path, { force: true });
  ipcFiles.clear();
};
if ("Bun" in globalThis) process.on("exit", removeIpcFiles);
else after(removeIpcFiles);

/**
 * A bindable endpoint for `transport`: tcp and ws on an ephemeral loopback port (ws with a path),
 * ipc in /tmp, inproc by name.
 */
export function freshEndpoint(transport: "tcp" | "ipc" | "inproc" | "ws"): string {
  switch (transport) {
    case "ws":
      return "ws://127.0.0.1:*/zmq";
    case "tcp":
      return "tcp://127.0.0.1:*";
    case "ipc": {
      const path = `/tmp/zmq-ts-test-${tag()}.sock`;
      ipcFiles.add(path);
      return `ipc://${path}`;
    }
    case "inproc":
      return `inproc://test-${tag()}`;
  }
}
