// version, packageVersion and capability tell the truth: packageVersion is deno.json's version,
// and each capability matches what the core does with such an endpoint or option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { capability, packageVersion, Pull, Socket, version, type ZmqError } from "../../mod.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";

const denoJson = JSON.parse(readFileSync(new URL("../../deno.json", import.meta.url), "utf8"));

test("packageVersion is deno.json's version, and the CHANGELOG has a section for it", () => {
  assert.equal(packageVersion, denoJson.version);
  const changelog = readFileSync(new URL("../../CHANGELOG.md", import.meta.url), "utf8");
  assert.match(changelog, new RegExp(`^## ${packageVersion.replaceAll(".", "\\.")}\\b`, "m"));
});

test("version is the libzmq behaviour followed, major.minor.patch as zeromq.js has it", () => {
  assert.match(version, /^4\.\d+\.\d+$/);
});

test("capability has zeromq.js's keys, each a boolean", () => {
  assert.deepEqual(Object.keys(capability).sort(), [
    "curve",
    "draft",
    "gssapi",
    "ipc",
    "norm",
    "pgm",
    "tipc",
  ]);
  for (const v of Object.values(capability)) assert.equal(typeof v, "boolean");
  assert.ok(Object.isFrozen(capability));
});

async function binds(endpoint: string): Promise<boolean> {
  const pull = new Pull({ linger: 0 });
  try {
    await pull.bind(endpoint);
    return true;
  } catch (e) {
    if ((e as ZmqError).code === "EPROTONOSUPPORT") return false;
    throw e;
  } finally {
    pull.close();
  }
}

test("capability's transports are the ones the core binds", async () => {
  assert.equal(await binds(freshEndpoint("ipc")), capability.ipc);
  assert.equal(await binds("tipc://{5560,0,0}"), capability.tipc);
  assert.equal(await binds("pgm://127.0.0.1;239.192.1.1:5555"), capability.pgm);
  assert.equal(await binds("norm://127.0.0.1:5555"), capability.norm);
});

test("capability's mechanisms are the ones sockets have options for", () => {
  assert.equal("curveServer" in Socket.prototype, capability.curve);
  assert.equal("gssapiServer" in Socket.prototype, capability.gssapi);
});
