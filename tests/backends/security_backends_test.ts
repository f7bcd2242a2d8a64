// The security options are the same program on both backends: CURVE and PLAIN judged by the
// Authenticator, refusals, and the options read back, on the TypeScript core and on libzmq through
// FFI; and a core socket talking CURVE to a libzmq-backend socket in the same process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Authenticator, Context, curveKeyPair, Pull, Push, Reply, Request } from "../../mod.ts";
import { libzmq } from "../../libzmq.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { nextEvent, within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const loaded = await libzmq().then((b) => b, (e: Error) => e);
const missing = loaded instanceof Error
  ? "libzmq is not installed here (apt-get install libzmq5)"
  : undefined;
const backends = [
  { name: "core", context: () => new Context(), skip: undefined as string | undefined },
  {
    name: "libzmq",
    context: () => new Context({ backend: loaded as Exclude<typeof loaded, Error> }),
    skip: missing,
  },
];
const server = curveKeyPair();
const client = curveKeyPair();
const stranger = curveKeyPair();
/** A CURVE client's options, for the key pair `keys`. */
const clientOf = (keys: { publicKey: string; secretKey: string }) => ({
  curveServerKey: server.publicKey,
  curvePublicKey: keys.publicKey,
  curveSecretKey: keys.secretKey,
});

for (const b of backends) {
  const it = (name: string, fn: () => void | Promise<void>) =>
    b.skip === undefined
      ? test(`${b.name}: ${name}`, fn)
      : test.skip(`${b.name}: ${name} (${b.skip})`, fn);

  it("the security options read back as zeromq.js reads them, whatever the backend", () => {
    const ctx = b.context();
    try {
      const req = new Request({ context: ctx, ...clientOf(client) });
      assert.equal(req.securityMechanism, "curve");
      assert.equal(req.curveServer, false);
      assert.equal(req.curveServerKey, server.publicKey);
      assert.equal(req.curveSecretKey, client.secretKey);
      req.plainUsername = "admin"; // the last option set decides, as in libzmq
      assert.equal(req.securityMechanism, "plain");
      req.plainUsername = null;
      assert.equal(req.securityMechanism, null);
      const rep = new Reply({ context: ctx, plainServer: true, zapDomain: "x" });
      assert.equal(rep.plainServer, true);
      assert.equal(rep.zapDomain, "x");
      rep.curveServer = true;
      assert.equal(rep.plainServer, false);
      assert.equal(rep.securityMechanism, "curve");
    } finally {
      ctx.terminate();
    }
  });

  for (const transport of ["tcp", "ipc"] as const) {
    it(`CURVE judged by the Authenticator: one key in, another refused (${transport})`, async () => {
      const ctx = b.context();
      try {
        const auth = new Authenticator({ context: ctx, publicKeys: [client.publicKey] });
        await auth.start();
        const rep = new Reply({
          context: ctx,
          curveServer: true,
          curveSecretKey: server.secretKey,
          linger: 0,
        });
        await rep.bind(freshEndpoint(transport));
        const req = new Request({ context: ctx, ...clientOf(client), linger: 0 });
        req.connect(rep.lastEndpoint!);
        await req.send("in");
        assert.equal(text((await within(rep.receive(), 5000, "the request"))[0]), "in");
        await rep.send("out");
        assert.equal(text((await within(req.receive(), 5000, "the reply"))[0]), "out");

        const refused = nextEvent(rep.events, "handshake:error:auth", 5000);
        const intruder = new Request({ context: ctx, ...clientOf(stranger), linger: 0 });
        intruder.connect(rep.lastEndpoint!);
        assert.equal((await refused).status, 400);
      } finally {
        ctx.terminate();
      }
    });
  }

  it("PLAIN judged by the Authenticator: a wrong password is refused, the right one gets through", async () => {
    const ctx = b.context();
    try {
      const auth = new Authenticator({ context: ctx, passwords: { admin: "secret" } });
      await auth.start();
      const pull = new Pull({ context: ctx, plainServer: true, linger: 0 });
      await pull.bind(freshEndpoint("tcp"));
      const refused = nextEvent(pull.events, "handshake:error:auth", 5000);
      const wrong = new Push({
        context: ctx,
        plainUsername: "admin",
        plainPassword: "guess",
        linger: 0,
      });
      wrong.connect(pull.lastEndpoint!);
      assert.equal((await refused).status, 400);
      const right = new Push({
        context: ctx,
        plainUsername: "admin",
        plainPassword: "secret",
        linger: 0,
      });
      right.connect(pull.lastEndpoint!);
      await right.send("plain");
      assert.equal(text((await within(pull.receive(), 5000, "the message"))[0]), "plain");
    } finally {
      ctx.terminate();
    }
  });
}

const both = missing === undefined ? test : test.skip;
both(
  "a core CURVE client and a libzmq-backend CURVE server in one process, and the reverse",
  async () => {
    const core = new Context();
    const native = new Context({ backend: loaded as Exclude<typeof loaded, Error> });
    try {
      for (const [serverCtx, clientCtx] of [[native, core], [core, native]]) {
        const rep = new Reply({
          context: serverCtx,
          curveServer: true,
          curveSecretKey: server.secretKey,
          linger: 0,
        });
        await rep.bind(freshEndpoint("tcp"));
        const req = new Request({ context: clientCtx, ...clientOf(client), linger: 0 });
        req.connect(rep.lastEndpoint!);
        await req.send("across");
        assert.equal(text((await within(rep.receive(), 5000, "the request"))[0]), "across");
        await rep.send("back");
        assert.equal(text((await within(req.receive(), 5000, "the reply"))[0]), "back");
        rep.close();
        req.close();
      }
    } finally {
      core.terminate();
      native.terminate();
    }
  },
);
