// The libzmq backend reads small received frames from the zmq_msg_t in place (src/libzmq/msg_layout.ts)
// once a probe (at its first socket, with two sockets of that context) found libzmq's private layout as expected. These check that the probe holds
// on the installed libzmq, that it refuses a layout that disagrees with libzmq's own accessors, and
// that frames on both sides of the in-place limit arrive whole, with their "more" flags, over tcp and
// inproc. Skipped, saying why, where libzmq is not installed.
import process from "node:process";
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Context, Pull, Push } from "../../mod.ts";
import { libzmq } from "../../libzmq.ts";
import { DEFAULT_LIBRARY, type Libzmq, loadLibzmq } from "../../src/libzmq/ffi.ts";
import { inPlaceSize, moreInPlace, probeLayout, VSM_MAX } from "../../src/libzmq/msg_layout.ts";
import { freshEndpoint } from "../helpers/endpoints.ts";
import { within } from "../helpers/timeout.ts";

const loaded = await loadLibzmq(process.env.ZMQ_TS_LIBZMQ ?? DEFAULT_LIBRARY).then(
  (l) => l.zmq,
  (e: Error) => e,
);
const skip = loaded instanceof Error
  ? `libzmq is not installed here: ${loaded.message}`
  : undefined;
const it = (name: string, fn: (t: TestContext) => Promise<void> | void) =>
  skip === undefined ? test(name, fn) : test.skip(`${name} (${skip.split(". ")[0]})`, fn);
/**
 * One context for the probes, kept to the end of the process: ending a context stops libzmq's
 * network layer, which other threads' contexts share (see probeLayout).
 */
let probeContext: unknown;
const context = (zmq: Libzmq) => (probeContext ??= zmq.ctxNew());

it("libzmq 4.3's zmq_msg_t reads in place here (the probe at the first socket held)", (t) => {
  const zmq = loaded as Libzmq;
  assert.equal(zmq.inPlace, false, "nothing is read in place before the probe");
  zmq.probeInPlace(context(zmq));
  // Another libzmq (another version, a 32-bit build) may lay it out otherwise: then the calls
  // serve, correctly, and there is nothing to assert.
  if (!zmq.version.startsWith("4.3.")) return t.skip(`libzmq ${zmq.version}: layout not known`);
  assert.equal(zmq.inPlace, true);
});

it("a layout that disagrees with libzmq's accessors is refused", () => {
  const zmq = loaded as Libzmq;
  // Frames really received, but the bytes the probe reads in place are not the msg_t's: all zero.
  const notTheMsg = new Uint8Array(64);
  let last: Uint8Array | undefined;
  const calls = {
    receive(s: unknown) {
      last = zmq.receive(s, 1);
      return last === undefined ? -1 : last.length;
    },
    data: (n: number) => last!.subarray(0, n),
    more: () => zmq.more(),
  };
  assert.equal(probeLayout(zmq, context(zmq), calls, notTheMsg), false);
  // The same bytes made to claim a small message of the wrong size are refused too.
  notTheMsg[42] = 101;
  notTheMsg[41] = 7;
  assert.equal(inPlaceSize(notTheMsg), 7);
  assert.equal(probeLayout(zmq, context(zmq), calls, notTheMsg), false);
  notTheMsg[43] = 1;
  assert.equal(moreInPlace(notTheMsg), true);
});

for (const transport of ["tcp", "inproc"] as const) {
  it(`frames of 0 to ${VSM_MAX + 8} bytes arrive whole, in one message and one each (${transport})`, async () => {
    const context = new Context({ backend: await libzmq() });
    const pull = new Pull({ context });
    const push = new Push({ context });
    try {
      await pull.bind(freshEndpoint(transport));
      push.connect(pull.lastEndpoint!);
      const frames = Array.from(
        { length: VSM_MAX + 9 },
        (_, n) => new Uint8Array(n).map((_, i) => (n * 31 + i * 7 + 1) & 255),
      );
      await push.send(frames);
      for (const frame of frames) await push.send(frame);
      const whole = await within(pull.receive(), 5000, "the multipart message");
      assert.deepEqual(whole, frames);
      for (const frame of frames) {
        assert.deepEqual(await within(pull.receive(), 5000, `the ${frame.length}-byte frame`), [
          frame,
        ]);
      }
    } finally {
      push.close();
      pull.close();
      context.terminate();
    }
  });
}
