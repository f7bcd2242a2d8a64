// A socket's limits across its connections: the connection count, and the byte budget that stops
// holders at the cap, lets one of them read on so a message always completes, and wakes the rest
// once the sum falls to half the cap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SocketLimits } from "../../src/limits.ts";
import { until } from "../helpers/timeout.ts";

function limits(maxConnections: number, maxUndecodedBytes: number) {
  const options = { maxConnections, maxUndecodedBytes };
  return { options, limits: new SocketLimits(() => options) };
}

test("admit counts accepted connections up to maxConnections; leave frees a slot", () => {
  const { options, limits: l } = limits(2, 0);
  assert.equal(l.admit(), true);
  assert.equal(l.admit(), true);
  assert.equal(l.admit(), false);
  assert.equal(l.accepted, 2);
  l.leave();
  assert.equal(l.admit(), true);
  options.maxConnections = 0; // no limit
  for (let i = 0; i < 100; i++) assert.equal(l.admit(), true);
});

test("without a cap nobody stops, and the sum is kept", () => {
  const { limits: l } = limits(0, 0);
  const a = {}, b = {};
  assert.equal(l.hold(a, 10_000_000, () => {}), false);
  assert.equal(l.hold(b, 5, () => {}), false);
  assert.equal(l.held, 10_000_005);
  l.release(a);
  assert.equal(l.held, 5);
});

test("at the cap holders stop, one reads on, and all wake at half the cap", async () => {
  const { limits: l } = limits(0, 1000);
  const [a, b, c] = [{}, {}, {}];
  const woken: string[] = [];
  const wake = (name: string) => () => woken.push(name);
  assert.equal(l.hold(a, 600, wake("a")), false); // under the cap
  assert.equal(l.hold(b, 600, wake("b")), false); // over: b is the one that reads on
  assert.equal(l.hold(c, 100, wake("c")), true); // over: c stops
  assert.equal(l.hold(a, 700, wake("a")), true); // a reads more: it stops too
  assert.equal(l.hold(b, 900, wake("b")), false); // b still reads
  assert.equal(l.held, 1700);
  assert.equal(l.hold(b, 0, wake("b")), false); // b's message completed: the first stopped reads next
  await until(() => woken.length === 1, 1000, "the next reader to be woken");
  assert.deepEqual(woken, ["c"]);
  assert.equal(l.hold(c, 0, wake("c")), false);
  assert.equal(l.held, 700);
  assert.equal(l.hold(a, 400, wake("a")), false); // 400 <= half the cap: everyone reads again
  await until(() => woken.length === 2, 1000, "the rest to be woken");
  assert.deepEqual(woken, ["c", "a"]);
});

test("a stopped holder that ends is forgotten, and its bytes with it", async () => {
  const { limits: l } = limits(0, 100);
  const [a, b] = [{}, {}];
  let woken = 0;
  l.hold(a, 80, () => woken++);
  assert.equal(l.hold(b, 80, () => woken++), false); // over the cap: b is the one that reads on
  assert.equal(l.hold(a, 90, () => woken++), true);
  l.release(a);
  assert.equal(l.held, 80);
  l.release(b);
  assert.equal(l.held, 0);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(woken, 0, "a released holder is not woken");
});
