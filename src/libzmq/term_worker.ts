/**
 * Terminates one libzmq context off the event loop: zmq_ctx_term blocks
 * while sockets closed with a linger still deliver. Posts once it returns.
 *
 * @module
 */

import { loadLibzmq } from "./ffi.ts";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
scope.onmessage = async (e: MessageEvent<{ path: string; address: bigint }>) => {
  const { zmq } = await loadLibzmq(e.data.path);
  zmq.ctxTerm(zmq.fromAddress(e.data.address));
  scope.postMessage({ done: true });
};
