/**
 * A socket's waiting calls: at most one `send()` and one `receive()` wait at
 * a time (zeromq.js's rule), each with its timeout. The socket's routing is
 * reached through two functions; the calls are retried when the socket says
 * a pipe became writable or readable.
 *
 * @module
 */

import { type ErrorCode, zmqError } from "./errors.ts";
import type { Message } from "./pipe.ts";
import { afterTurn, mustYield } from "./fairness.ts";
import { holdAlive } from "./liveness.ts";

/** What a send that completed at once returns: one settled promise serves them all. */
const DONE: Promise<void> = Promise.resolve();

interface PendingOp<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** A waiting call keeps the process alive (zeromq.js): this lets go. */
  release: () => void;
}

/** The routing a socket offers its waiting calls. */
export interface CallRouting {
  /** Queues a message; false when it must wait. Throws a ZmqError (EFSM...) to fail the call. */
  trySend(msg: Message): boolean;
  /** The next message, if one is waiting. Throws a ZmqError to fail the call. */
  tryReceive(): Message | undefined;
  /** The socket's current send timeout (ms; -1 = forever, 0 = fail at once). */
  sendTimeout(): number;
  /** The socket's current receive timeout (ms; -1 = forever, 0 = fail at once). */
  receiveTimeout(): number;
}

/**
 * @internal The send and receive waiting on one socket.
 *
 * @example
 * ```ts
 * const calls = new PendingCalls(routing);
 * const sent = calls.send([bytes]);   // queued now, or waits for calls.retrySend()
 * ```
 */
export class PendingCalls {
  #routing: CallRouting;
  #send: (PendingOp<void> & { msg: Message }) | undefined;
  #receive: PendingOp<Message> | undefined;

  constructor(routing: CallRouting) {
    this.#routing = routing;
  }

  /**
   * Sends now if routing takes the message, otherwise waits up to the send timeout. A second
   * send while one waits throws EBUSY at once (not a rejection), as zeromq.js does.
   */
  send(frames: Message): Promise<void> {
    if (this.#send !== undefined) {
      throw zmqError("EBUSY", "Socket is busy writing; only one send may be in progress");
    }
    try {
      if (this.#routing.trySend(frames)) return mustYield() ? afterTurn(undefined) : DONE;
    } catch (e) {
      return Promise.reject(e);
    }
    const timeout = this.#routing.sendTimeout();
    if (timeout === 0) {
      return Promise.reject(
        zmqError("EAGAIN", "Socket is not ready to send (high-water mark or no peer)"),
      );
    }
    return new Promise((resolve, reject) => {
      const op = {
        msg: frames,
        resolve,
        reject,
        timer: undefined as PendingOp<void>["timer"],
        release: holdAlive(),
      };
      if (timeout > 0) {
        op.timer = setTimeout(() => {
          // Room may have come without its wake-up yet (a pipe tells its writer at the end of
          // a turn): a last try before failing.
          op.timer = undefined;
          this.retrySend();
          if (this.#send !== op) return;
          this.#send = undefined;
          op.release();
          reject(zmqError("EAGAIN", `Send timed out after ${timeout} ms`));
        }, timeout);
      }
      this.#send = op;
    });
  }

  /** Receives now if a message waits, otherwise waits up to the receive timeout; EBUSY as {@link send}. */
  receive(): Promise<Message> {
    if (this.#receive !== undefined) {
      throw zmqError("EBUSY", "Socket is busy reading; only one receive may be in progress");
    }
    try {
      const msg = this.#routing.tryReceive();
      // A loop of receives that complete at once yields like sends do (fairness.ts).
      if (msg !== undefined) return mustYield() ? afterTurn(msg) : Promise.resolve(msg);
    } catch (e) {
      return Promise.reject(e);
    }
    const timeout = this.#routing.receiveTimeout();
    if (timeout === 0) return Promise.reject(zmqError("EAGAIN", "No message is waiting"));
    return new Promise((resolve, reject) => {
      const op: PendingOp<Message> = { resolve, reject, timer: undefined, release: holdAlive() };
      if (timeout > 0) {
        op.timer = setTimeout(() => {
          // A message may be queued without its wake-up yet (a same-thread pipe wakes its reader
          // once the writer's run of sends ends): a last look before failing.
          op.timer = undefined;
          this.retryReceive();
          if (this.#receive !== op) return;
          this.#receive = undefined;
          op.release();
          reject(zmqError("EAGAIN", `Receive timed out after ${timeout} ms`));
        }, timeout);
      }
      this.#receive = op;
    });
  }

  /** A pipe may have room: the waiting send tries again. */
  retrySend(): void {
    const op = this.#send;
    if (op === undefined) return;
    try {
      if (!this.#routing.trySend(op.msg)) return;
      this.#send = undefined;
      clearTimeout(op.timer);
      op.release();
      op.resolve();
    } catch (e) {
      this.#send = undefined;
      clearTimeout(op.timer);
      op.release();
      op.reject(e as Error);
    }
  }

  /** A message may be waiting: the waiting receive tries again. */
  retryReceive(): void {
    const op = this.#receive;
    if (op === undefined) return;
    try {
      const msg = this.#routing.tryReceive();
      if (msg === undefined) return;
      this.#receive = undefined;
      clearTimeout(op.timer);
      op.release();
      op.resolve(msg);
    } catch (e) {
      this.#receive = undefined;
      clearTimeout(op.timer);
      op.release();
      op.reject(e as Error);
    }
  }

  /** Ends both waiting calls with `code` (the socket closed, or its context ended). */
  failAll(code: ErrorCode, why: string): void {
    for (const op of [this.#send, this.#receive]) {
      if (op === undefined) continue;
      clearTimeout(op.timer);
      op.release();
      op.reject(zmqError(code, why));
    }
    this.#send = undefined;
    this.#receive = undefined;
  }
}
