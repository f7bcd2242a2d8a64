// wss:// (ZWS over TLS): a socket mounted with attachWebSocket on the application's own TLS server
// (Deno.serve with cert and key, Bun.serve with tls), reached by a zmq-ts client over wss. The
// client runs in a process of its own that trusts the test's self-signed certificate from the
// start. Skipped, saying so, without openssl to make the certificate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { attachWebSocket, Reply } from "../../mod.ts";
import { within } from "../helpers/timeout.ts";

const openssl = spawnSync("openssl", ["version"]).status === 0;
const client = fileURLToPath(new URL("../helpers/wss_client.ts", import.meta.url));

test("wss: a zmq-ts REQ reaches a REP mounted on a TLS server", {
  skip: openssl ? false : "no openssl to make a test certificate",
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "zmq-ts-wss-"));
  const at = (f: string) => join(dir, f);
  // A CA and a leaf it signs: Deno's TLS (rustls) takes a CA as trust anchor, not a self-signed leaf.
  writeFileSync(at("ext.cnf"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n");
  const commands = [
    `req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-CA -keyout ca.key -out ca.pem`,
    `req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout key.pem -out leaf.csr`,
    `x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext.cnf -out cert.pem`,
  ];
  for (const command of commands) {
    const made = spawnSync("openssl", command.split(" "), { cwd: dir });
    assert.equal(made.status, 0, String(made.stderr));
  }
  const caFile = at("ca.pem");
  const keyFile = at("key.pem");
  const cert = readFileSync(at("cert.pem"), "utf8");
  const key = readFileSync(keyFile, "utf8");
  const rep = new Reply({ linger: 0 });
  const zmq = await attachWebSocket(rep, "/rep");
  const route = (req: Request, second: unknown) =>
    zmq.handles(req) ? zmq.upgrade(req, second) : new Response("page");
  const g = globalThis as any;
  const isBun = g.Bun !== undefined;
  const server = isBun
    ? g.Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert, key },
      fetch: route,
      websocket: zmq.websocket,
    })
    : g.Deno.serve({ hostname: "127.0.0.1", port: 0, cert, key, onListen() {} }, route);
  const port: number = server.port ?? server.addr.port;
  try {
    const answering = (async () => {
      const [q] = await within(rep.receive(), 20000, "the request over wss");
      await rep.send(["yes", q!]);
    })();
    const args = isBun ? [client] : ["run", "-A", client];
    const env = {
      ...process.env,
      ...(isBun ? { NODE_EXTRA_CA_CERTS: caFile } : { DENO_CERT: caFile }),
    };
    const out = await within(
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [...args, `wss://localhost:${port}/rep`],
          { env, timeout: 30000 },
          (e, stdout, stderr) => e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(stdout),
        )
      ),
      40000,
      "the wss client",
    );
    await answering;
    assert.equal(out.trim(), "reply: yes over tls?");
  } finally {
    rep.close();
    await (isBun ? server.stop(true) : server.shutdown());
    rmSync(dir, { recursive: true, force: true });
  }
});
