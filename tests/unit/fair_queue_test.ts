// Fair queuing over many pipes: one message from each readable pipe in turn, only pipes that
// rang are visited, an emptied pipe waits for its next ring, a dead one is read dry and forgotten.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FairQueue } from "../../src/routing/fair_queue.ts";
import { MessageQueue, Pipe } from "../../src/pipe.ts";

const text = new TextEncoder();
const peer = { socketType: "DEALER", identity: new Uint8Array(0), remoteAddress: "test" };

/** Pipes wired as a socket wires them: a queue that goes from empty to non-empty activates its pipe. */
function pipes(fq: FairQueue, n: number): Pipe[] {
  return Array.from({ length: n }, (_, i) => {
    const p = new Pipe(new MessageQueue(0), new MessageQueue(0), peer, `p${i}`);
    p.inbound.onReadable = () => fq.activate(p);
    fq.add(p);
    return p;
  });
}

const push = (p: Pipe, s: string) => p.inbound.push([text.encode(s)]);
const drain = (fq: FairQueue) => {
  const got: string[] = [];
  for (let m = fq.receive(); m !== undefined; m = fq.receive()) {
    got.push(`${fq.from!.endpoint}:${new TextDecoder().decode(m[0])}`);
  }
  return got;
};

test("one message from each readable pipe in turn", () => {
  const fq = new FairQueue();
  const [a, b, c] = pipes(fq, 3) as [Pipe, Pipe, Pipe];
  push(a, "1"), push(a, "2"), push(a, "3"), push(c, "1"), push(c, "2");
  assert.equal(fq.readable, true);
  assert.deepEqual(drain(fq), ["p0:1", "p2:1", "p0:2", "p2:2", "p0:3"]);
  assert.equal(fq.readable, false);
  push(b, "1");
  push(a, "4");
  assert.deepEqual(drain(fq), ["p1:1", "p0:4"]);
});

test("a pipe emptied behind the queue's back is set aside and comes back when it rings", () => {
  const fq = new FairQueue();
  const [a, b] = pipes(fq, 2) as [Pipe, Pipe];
  push(a, "x");
  a.inbound.clear();
  push(b, "1");
  assert.deepEqual(drain(fq), ["p1:1"]);
  push(a, "y");
  assert.deepEqual(drain(fq), ["p0:y"]);
});

test("a released pipe is read dry and then forgotten; a removed one at once", () => {
  const fq = new FairQueue();
  const [a, b] = pipes(fq, 2) as [Pipe, Pipe];
  push(a, "1"), push(a, "2"), push(b, "1");
  a.end();
  fq.release(a);
  fq.remove(b);
  assert.deepEqual(drain(fq), ["p0:1", "p0:2"]);
  push(a, "late"); // rings, but the pipe is gone
  push(b, "late");
  assert.deepEqual(drain(fq), []);
});

test("thousands of pipes of which a few talk: every message arrives, in turn", () => {
  const fq = new FairQueue();
  const all = pipes(fq, 5000);
  const talkers = [all[17]!, all[4000]!, all[2]!];
  for (let round = 0; round < 3; round++) for (const p of talkers) push(p, String(round));
  const got = drain(fq);
  assert.equal(got.length, 9);
  for (const p of talkers) {
    assert.deepEqual(
      got.filter((g) => g.startsWith(`${p.endpoint}:`)).map((g) => g.split(":")[1]),
      [
        "0",
        "1",
        "2",
      ],
    );
  }
});
