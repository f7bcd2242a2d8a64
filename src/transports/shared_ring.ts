/**
 * A byte stream between two threads: two single-producer/single-consumer
 * rings in one SharedArrayBuffer, one per direction, and a MessagePort
 * doorbell. It implements the same {@link Stream} contract as tcp, so the
 * ZMTP engine runs over it unchanged: cross-thread inproc is ZMTP over
 * shared memory.
 *
 * The doorbell rings only on a transition the other side is waiting for:
 * a ring going from empty to non-empty while its reader sleeps, from full to
 * not full while its writer waits, or a close. A side that hears it does all
 * its work at once: reads everything there is, writes what was held back,
 * and notices a close. Nothing is posted per message.
 *
 * @module
 */

import type { Stream } from "./stream.ts";

/** Bytes per direction (a power of two). Messages larger than this still pass, in pieces. */
export const RING_BYTES = 256 * 1024;

// Per-direction header, in Int32 slots; each direction has its own 64-byte line.
const HEAD = 0; // bytes consumed (reader-owned counter, wraps)
const TAIL = 1; // bytes produced (writer-owned counter, wraps)
const READER_WAITING = 2; // the reader found the ring empty and sleeps until poked
const WRITER_WAITING = 3; // the writer found the ring full and waits until poked
const WRITER_CLOSED = 4; // no more bytes will come
const READER_CLOSED = 5; // nobody reads any more
const HEADER_SLOTS = 16;
const HEADER_BYTES = 2 * HEADER_SLOTS * 4;

/** What one side needs to open its end: structured-cloneable; the port goes in the transfer list. */
export interface RingEnd {
  buffer: SharedArrayBuffer;
  /** 0 for the side that made the rings, 1 for the other. */
  side: 0 | 1;
  port: MessagePort;
}

/**
 * Makes the shared memory and the doorbell for one connection.
 *
 * @example
 * ```ts
 * const [mine, theirs] = createRings();
 * worker.postMessage({ ring: theirs }, [theirs.port]);
 * const stream = new RingStream(mine, "inproc://jobs");
 * ```
 */
export function createRings(bytes = RING_BYTES): [RingEnd, RingEnd] {
  // A power of two: positions are counter % size, and the Int32 counters wrap at 2^32.
  const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, 2)));
  const buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * size);
  const { port1, port2 } = new MessageChannel();
  return [{ buffer, side: 0, port: port1 }, { buffer, side: 1, port: port2 }];
}

/** One direction of the pair, seen from one side. */
class Ring {
  readonly #h: Int32Array;
  readonly #data: Uint8Array;
  readonly #size: number;

  constructor(buffer: SharedArrayBuffer, direction: number) {
    this.#size = (buffer.byteLength - HEADER_BYTES) / 2;
    this.#h = new Int32Array(buffer, direction * HEADER_SLOTS * 4, HEADER_SLOTS);
    this.#data = new Uint8Array(buffer, HEADER_BYTES + direction * this.#size, this.#size);
  }

  get used(): number {
    return (Atomics.load(this.#h, TAIL) - Atomics.load(this.#h, HEAD)) >>> 0;
  }

  get free(): number {
    return this.#size - this.used;
  }

  flag(slot: number): boolean {
    return Atomics.load(this.#h, slot) === 1;
  }

  set(slot: number): void {
    Atomics.store(this.#h, slot, 1);
  }

  /** Clears a waiting flag; true if it was set (so the waiter must be poked). */
  claim(slot: number): boolean {
    return Atomics.exchange(this.#h, slot, 0) === 1;
  }

  /** Writes as much of `src` as fits; returns the count written. */
  write(src: Uint8Array): number {
    const tail = Atomics.load(this.#h, TAIL);
    const free = this.#size - ((tail - Atomics.load(this.#h, HEAD)) >>> 0);
    const n = Math.min(free, src.length);
    if (n === 0) return 0;
    const at = (tail >>> 0) % this.#size;
    const first = Math.min(n, this.#size - at);
    this.#data.set(src.subarray(0, first), at);
    if (n > first) this.#data.set(src.subarray(first, n), 0);
    Atomics.store(this.#h, TAIL, (tail + n) | 0);
    return n;
  }

  /** Takes everything readable, copied out (the ring's memory is reused at once). */
  read(): Uint8Array | undefined {
    const head = Atomics.load(this.#h, HEAD);
    const n = (Atomics.load(this.#h, TAIL) - head) >>> 0;
    if (n === 0) return undefined;
    const out = new Uint8Array(n);
    const at = (head >>> 0) % this.#size;
    const first = Math.min(n, this.#size - at);
    out.set(this.#data.subarray(at, at + first));
    if (n > first) out.set(this.#data.subarray(0, n - first), first);
    Atomics.store(this.#h, HEAD, (head + n) | 0);
    return out;
  }
}

/**
 * One side of a shared-memory connection, as a {@link Stream}.
 *
 * @example
 * ```ts
 * const stream = new RingStream(end, "inproc://jobs");
 * stream.onData = (bytes) => console.log(bytes.length);
 * stream.write(new Uint8Array([1, 2, 3]));
 * ```
 */
export class RingStream implements Stream {
  onData: (bytes: Uint8Array) => void = () => {};
  onDrain: () => void = () => {};
  onClose: (error?: Error) => void = () => {};
  readonly remoteAddress: string;
  #in: Ring;
  #out: Ring;
  #port: MessagePort;
  #held: Uint8Array[] = [];
  #paused = false;
  #ending = false;
  #closed = false;
  #servicing = false;

  constructor(end: RingEnd, remoteAddress: string) {
    this.remoteAddress = remoteAddress;
    this.#out = new Ring(end.buffer, end.side);
    this.#in = new Ring(end.buffer, 1 - end.side);
    this.#port = end.port;
    this.#port.onmessage = () => this.#service();
    // Bytes may already be waiting (the other side wrote before we opened).
    queueMicrotask(() => this.#service());
  }

  keepAlive(keep: boolean): void {
    // Where the runtime's MessagePort can be unref'd (Bun), an idle connection lets its Worker end.
    const port = this.#port as unknown as { ref?: () => void; unref?: () => void };
    if (keep) port.ref?.();
    else port.unref?.();
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed || this.#ending) return true;
    this.#held.push(bytes);
    if (this.#held.length > 1) return false;
    return this.#pump();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    queueMicrotask(() => this.#service());
  }

  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    if (this.#held.length === 0) this.#finishEnd();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#out.set(WRITER_CLOSED);
    this.#in.set(READER_CLOSED);
    this.#poke();
    this.#close();
  }

  /** Copies into the outbound ring, and pokes the reader if it sleeps on an empty ring. */
  #writeNow(bytes: Uint8Array): number {
    const n = this.#out.write(bytes);
    if (n > 0 && this.#out.claim(READER_WAITING)) this.#poke();
    return n;
  }

  /**
   * The other side has ended: it reads no more (a close), or it wrote its last byte (an end: the
   * connection is then over both ways once its bytes are read, as at a tcp EOF).
   */
  #peerEnded(): boolean {
    return this.#out.flag(READER_CLOSED) || this.#in.flag(WRITER_CLOSED);
  }

  /**
   * Writes what is held while the ring has room; true once nothing is held. Nothing is written
   * to a side that has ended: what is held stays held until the close that comes next. Bytes
   * written there would be lost, and a side that reads after its end makes room that is no room:
   * a writer told of it would take more (a waiting send) for a connection that is over.
   */
  #pump(): boolean {
    while (this.#held.length > 0) {
      if (this.#peerEnded()) {
        queueMicrotask(() => this.#service()); // which closes, once the peer's last bytes are read
        return false;
      }
      const next = this.#held[0]!;
      const n = this.#writeNow(next);
      if (n === next.length) {
        this.#held.shift();
        continue;
      }
      this.#held[0] = next.subarray(n);
      if (n > 0) continue;
      // Full: ask to be poked, then look again, since the reader may have made room before seeing the flag.
      this.#out.set(WRITER_WAITING);
      if (this.#out.free === 0) return false;
      this.#out.claim(WRITER_WAITING);
    }
    return true;
  }

  #finishEnd(): void {
    this.#out.set(WRITER_CLOSED);
    this.#poke();
  }

  /** Everything a poke can mean: room to write, bytes to read, the other side gone. */
  #service(): void {
    if (this.#closed || this.#servicing) return;
    this.#servicing = true;
    try {
      // The other side's end is heard before its room: a drain reported first would have the
      // writer fill a ring nobody reads.
      if (this.#out.flag(READER_CLOSED)) return this.#close();
      if (!this.#in.flag(WRITER_CLOSED)) this.#flushHeld();
      if (this.#closed) return;
      this.#readAll();
    } finally {
      this.#servicing = false;
    }
  }

  #flushHeld(): void {
    if (this.#held.length === 0 || !this.#pump()) return;
    if (this.#ending) this.#finishEnd();
    else this.onDrain();
  }

  #readAll(): void {
    while (!this.#paused && !this.#closed) {
      const chunk = this.#in.read();
      if (chunk === undefined) {
        if (this.#in.flag(WRITER_CLOSED)) {
          // End of stream: like a tcp EOF, the connection is over for both directions.
          this.#out.set(WRITER_CLOSED);
          this.#in.set(READER_CLOSED);
          this.#poke();
          return this.#close();
        }
        this.#in.set(READER_WAITING);
        // Bytes written after our read and before the flag would otherwise never be announced.
        if (this.#in.used === 0 && !this.#in.flag(WRITER_CLOSED)) return;
        this.#in.claim(READER_WAITING);
        continue;
      }
      if (this.#in.claim(WRITER_WAITING)) this.#poke();
      this.onData(chunk);
    }
  }

  #poke(): void {
    try {
      this.#port.postMessage(0);
    } catch {
      // The other side's port is gone with its thread; the registry reports that separately.
    }
  }

  #close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = [];
    this.#port.onmessage = null;
    this.#port.close();
    this.onClose(error);
  }
}
