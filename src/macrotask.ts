/**
 * `setImmediate` where the runtime has one (Deno and Bun do, as a global), else a MessageChannel
 * message, which a browser delivers as a task without setTimeout's 4 ms clamp.
 *
 * @module
 */

type Immediate = (callback: () => void) => unknown;

function messageChannelImmediate(): Immediate {
  const queue: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  return (callback) => {
    queue.push(callback);
    channel.port2.postMessage(null);
  };
}

let fallback: Immediate | undefined;

/**
 * Runs `callback` in a later turn of the event loop, after pending I/O.
 *
 * @example
 * ```ts
 * setImmediate(() => console.log("later"));
 * ```
 */
export function setImmediate(callback: () => void): void {
  const native = (globalThis as { setImmediate?: Immediate }).setImmediate;
  if (native !== undefined) native(callback);
  else (fallback ??= messageChannelImmediate())(callback);
}
