/**
 * The memory a pull-based adapter (Deno's `conn.read(buffer)`) reads into.
 *
 * A pending read holds its buffer until bytes arrive, which on an idle connection may be hours:
 * with one 256 KiB slab per connection, 10,000 idle peers held 1.5 GiB. So a connection reads
 * into a small buffer of its own while it is quiet, and into a slab only while it is busy: a read
 * that filled its buffer shows more was waiting, and each one that fills a slab makes the next
 * larger (4 KiB to 256 KiB). A busy connection turns quiet again when a read left room and the
 * receiver holds no partial message (the peer stopped at a message boundary); its slab is then
 * kept only through a `WeakRef`, so a connection that pauses for a moment gets it back while one
 * that goes idle lets the garbage collector have it.
 *
 * When a quiet read fills its buffer, its bytes are not handed out at once: they are copied to
 * the start of the busy slab and the next read continues right after them, so a large message
 * that begins in the quiet buffer is not split across two chunks (the decoder would copy it
 * whole). If the next read does not complete at once (the peer sent exactly a buffer's worth),
 * the adapter hands the carried bytes out alone.
 *
 * Bytes handed out are views that are never written over (the decoder keeps frames as views), so
 * a buffer is refilled only past what it has handed out.
 *
 * @module
 */

/**
 * A quiet connection's buffer: the pending read of an idle connection holds this much. A peer
 * whose reads are small (a handshake, short messages) gets the small one.
 */
export const QUIET_BUFFER = 512;
/** The quiet buffer of a peer whose last quiet read was larger than a small buffer's half. */
export const QUIET_BUFFER_LARGE = 2 * 1024;
/** A quiet buffer with less room left than this, or than the last quiet read took, is replaced. */
const QUIET_MIN_READ = QUIET_BUFFER / 2;
/**
 * A busy connection's first slab; each read that fills a slab's room makes the next slab four
 * times larger, up to {@link BUSY_SLAB}. A peer must keep the pipe full to make us hold more, so
 * one that trickles bytes (or stalls inside a frame) pins 4 KiB, not 256.
 */
export const BUSY_FIRST_SLAB = 4 * 1024;
/** The largest slab: large messages then mostly arrive whole in one chunk. */
export const BUSY_SLAB = 256 * 1024;
/** A slab with less room left than this share of it is replaced. */
const BUSY_MIN_READ_SHARE = 16;

/**
 * One connection's read buffers.
 *
 * @example
 * ```ts
 * const buffers = new ReadBuffers();
 * const window = buffers.next();
 * const n = await conn.read(window);
 * const chunk = buffers.take(n!); // undefined while bytes are carried into the next read
 * if (chunk !== undefined) decoder.push(chunk);
 * buffers.settle(decoder.buffered);
 * ```
 */
export class ReadBuffers {
  #busy = false;
  #quiet = new Uint8Array(0);
  #quietAt = 0;
  /** The room a quiet read is given: its last read's size, so a peer's usual message fits whole. */
  #quietRoom = QUIET_MIN_READ;
  #slab: Uint8Array | undefined;
  #slabAt = 0;
  /** The size of the next new slab. */
  #slabSize = BUSY_FIRST_SLAB;
  /** The slab of a connection that turned quiet, until the collector takes it. */
  #spare: WeakRef<Uint8Array> | undefined;
  /** Bytes at #slabAt copied from a filled quiet read, handed out with the next read's. */
  #carried = 0;
  #window = 0;
  #filled = false;

  /** True while reads go into the large slab. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * True while bytes of a filled quiet read wait to be handed out with the next read's. A read
   * that filled its buffer only suggests more is coming: if the next read does not complete at
   * once, hand them out alone with {@link flush}.
   */
  get carrying(): boolean {
    return this.#carried > 0;
  }

  /** Where the next read goes: the free room of the current buffer. */
  next(): Uint8Array {
    let w: Uint8Array;
    if (this.#busy) {
      const slab = this.#useSlab(this.#carried);
      w = slab.subarray(this.#slabAt + this.#carried);
    } else {
      if (this.#quiet.length - this.#quietAt < this.#quietRoom) {
        this.#quiet = new Uint8Array(
          this.#quietRoom <= QUIET_MIN_READ ? QUIET_BUFFER : QUIET_BUFFER_LARGE,
        );
        this.#quietAt = 0;
      }
      w = this.#quiet.subarray(this.#quietAt);
    }
    this.#window = w.length;
    return w;
  }

  /**
   * `n` bytes arrived in the memory {@link next} gave. Returns them to hand out, with any bytes
   * carried from the read before; or `undefined` when a quiet read filled its buffer and its bytes
   * are carried into the next read.
   */
  take(n: number): Uint8Array | undefined {
    this.#filled = n === this.#window;
    if (this.#busy) {
      if (this.#filled) this.#slabSize = Math.min(this.#slabSize * 4, BUSY_SLAB);
      const at = this.#slabAt;
      this.#slabAt += this.#carried + n;
      this.#carried = 0;
      return this.#slab!.subarray(at, this.#slabAt);
    }
    if (this.#filled) {
      // More was waiting: carry these bytes into the slab rather than hand them out, and reuse
      // the quiet room they took (it was never handed out). This peer's messages may not fit a
      // small buffer: its next quiet buffer is the large one.
      this.#busy = true;
      this.#quietRoom = QUIET_BUFFER_LARGE;
      const slab = this.#useSlab(n);
      slab.set(this.#quiet.subarray(this.#quietAt, this.#quietAt + n), this.#slabAt);
      this.#carried = n;
      return undefined;
    }
    const chunk = this.#quiet.subarray(this.#quietAt, this.#quietAt + n);
    this.#quietAt += n;
    this.#quietRoom = Math.min(Math.max(n + 1, QUIET_MIN_READ), QUIET_BUFFER_LARGE);
    return chunk;
  }

  /**
   * After the chunk was handed out: `held` is how many bytes the receiver keeps undecoded. A busy
   * connection whose read left room, with nothing held, turns quiet: its next read may wait long.
   */
  settle(held: number): void {
    if (!this.#busy || this.#filled || held > 0 || this.#carried > 0) return;
    this.#busy = false;
    if (this.#slab !== undefined) this.#spare = new WeakRef(this.#slab);
    this.#slab = undefined;
  }

  /**
   * Hands out the carried bytes now (the next read is slow to come, or the stream ended); a read
   * pending in the memory {@link next} gave is unaffected: its bytes follow these.
   */
  flush(): Uint8Array | undefined {
    if (this.#carried === 0) return undefined;
    const at = this.#slabAt;
    this.#slabAt += this.#carried;
    this.#carried = 0;
    return this.#slab!.subarray(at, this.#slabAt);
  }

  /** The busy slab with room for `keep` carried bytes and a read: the current one, the spare, or a new one. */
  #useSlab(keep: number): Uint8Array {
    if (this.#slab === undefined) {
      this.#slab = this.#spare?.deref();
      this.#spare = undefined;
    }
    let slab = this.#slab;
    if (
      slab === undefined || slab.length - this.#slabAt < slab.length / BUSY_MIN_READ_SHARE + keep
    ) {
      slab = this.#slab = new Uint8Array(this.#slabSize);
      this.#slabAt = 0;
    }
    return slab;
  }
}
