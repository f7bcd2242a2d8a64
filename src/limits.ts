/**
 * What a socket's connections share, for a server facing many or hostile
 * peers: how many accepted connections it holds (`maxConnections`) and how
 * many received bytes they hold between them before those become whole
 * messages (`maxUndecodedBytes`). Both are zmq-ts extensions; libzmq has
 * neither (it allocates a declared frame size at once and accepts until it
 * runs out of descriptors).
 *
 * At the byte cap, connections that hold bytes stop reading (TCP back-pressure
 * then reaches their peers) until the sum falls to half the cap. One of them
 * keeps reading meanwhile, so that some message always completes: otherwise
 * peers each holding part of a message could wait on each other forever.
 * When it has nothing left held, the longest-waiting one takes its place.
 *
 * @module
 */

/** A connection as the byte budget sees it: told when it may read again. */
export type BudgetHolder = object;

/**
 * One socket's limits across its connections.
 *
 * @example
 * ```ts
 * const limits = new SocketLimits(() => ({ maxConnections: 2, maxUndecodedBytes: 1024 }));
 * limits.admit(); // true
 * const mustPause = limits.hold(engine, 4096, () => resumeReading());
 * ```
 */
export class SocketLimits {
  #options: () => { maxConnections: number; maxUndecodedBytes: number };
  #accepted = 0;
  #held = 0;
  #holders = new Map<BudgetHolder, number>();
  /** Holders stopped at the cap, in the order they stopped, with how to wake each. */
  #paused = new Map<BudgetHolder, () => void>();
  /** The one holder that keeps reading while others are stopped. */
  #reader: BudgetHolder | undefined;

  constructor(options: () => { maxConnections: number; maxUndecodedBytes: number }) {
    this.#options = options;
  }

  /** Accepted connections now held. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Received bytes held undecoded across the connections. */
  get held(): number {
    return this.#held;
  }

  /** Connections stopped at the byte cap now. */
  get stopped(): number {
    return this.#paused.size;
  }

  /** Counts one more accepted connection; false (and not counted) when the cap is reached. */
  admit(): boolean {
    const max = this.#options().maxConnections;
    if (max > 0 && this.#accepted >= max) return false;
    this.#accepted++;
    return true;
  }

  /** An accepted connection has ended. */
  leave(): void {
    this.#accepted--;
  }

  /**
   * `holder` now holds `bytes` undecoded. Returns true when it must stop
   * reading; `wake` is then called once it may read again.
   */
  hold(holder: BudgetHolder, bytes: number, wake: () => void): boolean {
    this.#set(holder, bytes);
    const cap = this.#options().maxUndecodedBytes;
    if (cap <= 0 || this.#held <= cap / 2) {
      this.#wakeAll();
      return false;
    }
    if (bytes === 0) {
      this.#paused.delete(holder); // holding nothing, it costs nothing to let it read
      return false;
    }
    if (this.#paused.has(holder)) return true;
    if (holder === this.#reader || this.#held <= cap) return false;
    if (this.#reader === undefined) {
      this.#reader = holder;
      return false;
    }
    this.#paused.set(holder, wake);
    return true;
  }

  /** `holder` is gone: it holds nothing, and waits for nothing. */
  release(holder: BudgetHolder): void {
    this.#paused.delete(holder);
    this.#set(holder, 0);
    const cap = this.#options().maxUndecodedBytes;
    if (cap <= 0 || this.#held <= cap / 2) this.#wakeAll();
  }

  #set(holder: BudgetHolder, bytes: number): void {
    this.#held += bytes - (this.#holders.get(holder) ?? 0);
    if (bytes > 0) this.#holders.set(holder, bytes);
    else {
      this.#holders.delete(holder);
      if (holder === this.#reader) this.#nextReader();
    }
  }

  /** The reader has nothing left held: the longest-stopped holder reads next. */
  #nextReader(): void {
    this.#reader = undefined;
    for (const [holder, wake] of this.#paused) {
      this.#paused.delete(holder);
      this.#reader = holder;
      queueMicrotask(wake); // not from inside another holder's call
      return;
    }
  }

  #wakeAll(): void {
    this.#reader = undefined;
    if (this.#paused.size === 0) return;
    const waking = [...this.#paused.values()];
    this.#paused.clear();
    for (const wake of waking) queueMicrotask(wake);
  }
}
