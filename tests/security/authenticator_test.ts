// The Authenticator judged through its ZAP endpoint directly: a DEALER plays the part of the
// sockets' ZAP client, so each test sees the exact reply (status, text, User-Id, metadata) for a
// request, including the requests a real mechanism never makes (another ZAP version, a mechanism
// nobody judges, a malformed request) and the lists changed after start().
import { test } from "node:test";
import assert from "node:assert/strict";
import { Authenticator, Context, curveKeyPair, Dealer, z85Decode } from "../../mod.ts";
import { decodeMetadata } from "../../src/codec/metadata.ts";
import { ZAP_ENDPOINT } from "../../src/mechanisms/zap_client.ts";
import { within } from "../helpers/timeout.ts";

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const empty = new Uint8Array(0);

interface Verdict {
  id: string;
  status: string;
  text: string;
  userId: string;
  metadata: Record<string, string>;
}

/** A ZAP client: sends requests [version, id, domain, address, identity, mechanism, creds...]. */
function zapClient(ctx: Context) {
  const dealer = new Dealer({ context: ctx, linger: 0 });
  dealer.connect(ZAP_ENDPOINT);
  let next = 0;
  const ask = async (
    request: { version?: string; address?: string; mechanism: string; creds?: Uint8Array[] },
  ): Promise<Verdict> => {
    const id = String(++next);
    await dealer.send([
      empty,
      request.version ?? "1.0",
      id,
      "domain",
      request.address ?? "127.0.0.1",
      empty,
      request.mechanism,
      ...(request.creds ?? []),
    ]);
    const reply = await within(dealer.receive(), 5000, `the ZAP reply to request ${id}`);
    const [delimiter, , replyId, status, statusText, userId, meta] = reply;
    assert.equal(delimiter?.length, 0, "a reply starts with an empty delimiter");
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(decodeMetadata(meta ?? empty))) metadata[k] = text(v);
    return {
      id: text(replyId),
      status: text(status),
      text: text(statusText),
      userId: text(userId),
      metadata,
    };
  };
  return { dealer, ask };
}

async function withAuthenticator(
  options: ConstructorParameters<typeof Authenticator>[0],
  body: (auth: Authenticator, ask: ReturnType<typeof zapClient>["ask"]) => Promise<void>,
) {
  const ctx = new Context();
  const auth = new Authenticator({ ...options, context: ctx });
  await auth.start();
  const { dealer, ask } = zapClient(ctx);
  try {
    await body(auth, ask);
  } finally {
    dealer.close();
    auth.close();
    ctx.terminate();
  }
}

const plain = (user: string, pass: string) => ({
  mechanism: "PLAIN",
  creds: [new TextEncoder().encode(user), new TextEncoder().encode(pass)],
});

test("Authenticator: deny(), allow(), setPassword() and allowCurve() change the verdicts after start()", async () => {
  const alice = curveKeyPair();
  const bob = curveKeyPair();
  const curve = (key: string) => ({ mechanism: "CURVE", creds: [z85Decode(key)] });
  await withAuthenticator({}, async (auth, ask) => {
    assert.equal((await ask(plain("alice", "secret"))).status, "400", "no password set yet");
    auth.setPassword("alice", "secret");
    const inPlain = await ask(plain("alice", "secret"));
    assert.deepEqual([inPlain.status, inPlain.userId], ["200", "alice"]);
    assert.equal((await ask(plain("alice", "wrong"))).status, "400");
    auth.setPassword("alice", "changed");
    assert.equal((await ask(plain("alice", "secret"))).status, "400", "the old password is gone");

    assert.equal((await ask(curve(alice.publicKey))).status, "400", "no key allowed yet");
    auth.allowCurve(alice.publicKey);
    const inCurve = await ask(curve(alice.publicKey));
    assert.deepEqual([inCurve.status, inCurve.userId], ["200", alice.publicKey]);
    assert.equal((await ask(curve(bob.publicKey))).status, "400", "only alice's key is listed");
    auth.allowCurve("any");
    assert.equal((await ask(curve(bob.publicKey))).status, "200", "'any' lets every key in");
    auth.allowCurve(alice.publicKey); // adding a key to "any" keeps "any"
    assert.equal((await ask(curve(bob.publicKey))).status, "200");
    assert.equal(
      (await ask({ mechanism: "CURVE", creds: [new Uint8Array(31)] })).status,
      "400",
      "a credential that is not a 32-byte key is never let in",
    );

    assert.equal((await ask({ mechanism: "NULL", address: "10.0.0.2" })).status, "200");
    auth.allow("10.0.0.1");
    const notAllowed = await ask({ mechanism: "NULL", address: "10.0.0.2" });
    assert.deepEqual([notAllowed.status, notAllowed.text], ["400", "address not allowed"]);
    assert.equal((await ask({ mechanism: "NULL", address: "10.0.0.1" })).status, "200");
    auth.deny("10.0.0.1");
    const denied = await ask({ mechanism: "NULL", address: "10.0.0.1" });
    assert.deepEqual([denied.status, denied.text], ["400", "address denied"]);
  });
});

test("Authenticator: another ZAP version is answered 500, an unknown mechanism 400, a malformed request not at all", async () => {
  await withAuthenticator({}, async (_auth, ask) => {
    const version = await ask({ version: "2.0", mechanism: "NULL" });
    assert.deepEqual([version.id, version.status, version.text], ["1", "500", "version 1.0 only"]);
    const unknown = await ask({ mechanism: "GSSAPI" });
    assert.equal(unknown.status, "400");
    assert.match(unknown.text, /GSSAPI/);
  });
  const ctx = new Context();
  const auth = new Authenticator({ context: ctx });
  await auth.start();
  const dealer = new Dealer({ context: ctx, linger: 0 });
  try {
    dealer.connect(ZAP_ENDPOINT);
    // No empty delimiter, then too short to name a mechanism: both are skipped without a reply,
    // and the handler goes on to answer the next well-formed request.
    await dealer.send(["1.0", "x", "domain", "127.0.0.1", "", "NULL"]);
    await dealer.send([empty, "1.0", "y"]);
    await dealer.send([empty, "1.0", "z", "domain", "127.0.0.1", empty, "NULL"]);
    const reply = await within(dealer.receive(), 5000, "the reply to the well-formed request");
    assert.deepEqual([text(reply[2]), text(reply[3])], ["z", "200"]);
  } finally {
    dealer.close();
    auth.close();
    ctx.terminate();
  }
});

test("Authenticator: a callback's verdicts: false (400), a full 200 with User-Id and metadata, a 300", async () => {
  const verdicts = new Map<string, unknown>([
    ["no", false],
    ["yes", true],
    ["full", { userId: "admin", metadata: { Role: "operator", Raw: new Uint8Array([0x41]) } }],
    ["later", { status: 300, userId: "ignored" }],
  ]);
  await withAuthenticator({
    authenticate: (r) => verdicts.get(r.username!) as never,
  }, async (_auth, ask) => {
    assert.deepEqual(
      [(await ask(plain("no", ""))).status, (await ask(plain("no", ""))).text],
      ["400", "refused"],
    );
    const yes = await ask(plain("yes", ""));
    assert.deepEqual([yes.status, yes.userId, yes.metadata], ["200", "yes", {}]);
    const full = await ask(plain("full", ""));
    assert.deepEqual([full.status, full.userId, full.metadata], ["200", "admin", {
      Role: "operator",
      Raw: "A",
    }]);
    const later = await ask(plain("later", ""));
    assert.deepEqual([later.status, later.userId], ["300", ""], "no User-Id without a 200");
  });
});

test("Authenticator: `await using` closes it, and the endpoint is free for another handler", async () => {
  const ctx = new Context();
  try {
    {
      await using auth = new Authenticator({ context: ctx });
      await auth.start();
      await assert.rejects(new Authenticator({ context: ctx }).start(), {
        code: "EADDRINUSE",
      });
    }
    // The first is disposed: a second binds, and it answers.
    await using second = new Authenticator({ context: ctx });
    await within(second.start(), 5000, "a second handler binding after the first is disposed");
    const { dealer, ask } = zapClient(ctx);
    try {
      assert.equal((await ask({ mechanism: "NULL" })).status, "200");
    } finally {
      dealer.close();
    }
  } finally {
    ctx.terminate();
  }
});
