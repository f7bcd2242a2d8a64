/**
 * Whole messages between two threads through shared memory. Each direction
 * of a connection is a single-producer / single-consumer ring of
 * length-prefixed frames in one SharedArrayBuffer; a MessagePort is the
 * doorbell, and carries the messages too large for the ring.
 *
 * A message crosses with one copy in and one copy out: the writer copies its
 * frames into the ring and publishes the message by one count; the reader
 * copies out what has been published, in batches, and publishes how far it
 * has read. A multipart message is published whole, so the reader never sees
 * part of one. Each side writes its own cache line of the header and reads
 * the other's only when what it remembers says it must (the writer when the
 * ring looks full, the reader when it looks empty).
 *
 * The doorbell rings only on a transition the other side sleeps through: a
 * message published while the reader waits on an empty ring, room made
 * while the writer waits (for its high-water mark or for bytes), or a close.
 * Nothing is posted per message. (ring_pipe.ts looks again for a moment before
 * asking to be rung: threads/look_before_sleep.ts.)
 *
 * Memory per connection: 2 x ({@link RING_BYTES} + 192) bytes of shared
 * memory reserved, of which only the pages traffic has touched are resident
 * (measured on both runtimes: 100 connections with 64 KiB touched per
 * direction added 8 MiB of rss). A direction is filled only as deep as the
 * high-water marks let the writer go, and a writer finding the ring empty
 * starts again at its front, so light traffic keeps to its first pages.
 * Messages larger than half a ring cross through the port instead.
 *
 * @module
 */

import { asSubscription, type Message } from "../pipe.ts";
import { afterBurst } from "../burst.ts";

/**
 * Bytes of ring per direction (a power of two). At 64 KiB messages a larger
 * ring keeps both threads busy instead of waking each other every few
 * messages (measured, Deno/Bun msg/s: 256 KiB 37k/81k, 1 MiB 48k/108k,
 * 2 MiB 56k/143k).
 */
export const RING_BYTES = 1024 * 1024;

// The header of one direction, in Int32 slots: three 64-byte lines, each written by one side.
const LINE = 16;
/** Messages published by the writer (a wrapping count). Writer's line. */
const PUBLISHED = 0;
/** Bytes the reader has copied out and released. Reader's line. */
const RELEASED = LINE;
/** Messages the reader has handed out (they no longer count against the high-water mark). */
const TAKEN = LINE + 1;
/** Set by the reader when it found the ring empty; cleared by whoever rings for it. */
const READER_WAITING = 2 * LINE;
/** Set by the writer when it waits for room; the reader rings once WAKE_TAKEN or WAKE_RELEASED is reached. */
const WRITER_WAITING = 2 * LINE + 1;
const WAKE_TAKEN = 2 * LINE + 2;
const WAKE_RELEASED = 2 * LINE + 3;
/** The writer has finished: nothing more will be published. */
const WRITER_CLOSED = 2 * LINE + 4;
/** The reader has let go: what is written is dropped. */
const READER_CLOSED = 2 * LINE + 5;
/** The reading socket's receive high-water mark, which the writer adds to its own. */
const RECEIVE_HWM = 2 * LINE + 6;
const HEADER_SLOTS = 3 * LINE;
const HEADER_BYTES = HEADER_SLOTS * 4;

// A frame record: one 32-bit word (length << 3 | flags), then the body, padded to 4 bytes.
const MORE = 1;
const SUBSCRIPTION = 2;
/** The whole message came through the port (too large for the ring); the record is the word alone. */
const OUT_OF_BAND = 4;
/** Nothing more before the end of the ring: the next record is at its start. */
const WRAP = -1;

/**
 * A reader that slept is rung once the writer's burst is over (see afterBurst),
 * or once it holds this many messages or a quarter of the ring. A lone message
 * is announced two microtask turns later; a burst wakes the reader once, not
 * once per message.
 */
const RING_MESSAGES = 1024;

/** An empty ring is written from its start again once the writer is past this many bytes. */
const HOT_BYTES = 64 * 1024;
const EMPTY_CHECK_BYTES = 4 * 1024;

/** Frames this short are copied byte by byte, cheaper than a call to set(). */
const SHORT_FRAME = 16;
/** A reader copies out at most this many bytes, or messages, at a time. */
const BATCH_BYTES = 64 * 1024;
const BATCH_MESSAGES = 1024;

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
 * ```
 */
export function createRings(bytes = RING_BYTES, counters = 0): [RingEnd, RingEnd] {
  const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, 1024)));
  const buffer = new SharedArrayBuffer(2 * (HEADER_BYTES + size));
  if (counters !== 0) {
    // Tests start the wrapping counters elsewhere than 0 (just short of 2^32, a multiple of 4); each
    // side reads them when it opens.
    for (const d of [0, 1]) {
      const h = new Int32Array(buffer, d * HEADER_BYTES, HEADER_SLOTS);
      h[PUBLISHED] = h[RELEASED] = h[TAKEN] = counters;
    }
  }
  const { port1, port2 } = new MessageChannel();
  return [{ buffer, side: 0, port: port1 }, { buffer, side: 1, port: port2 }];
}

/** How a side of a ring reaches the other: the doorbell, and the port for large messages. */
export interface Doorbell {
  /** Wakes the other side. */
  ring(): void;
  /** Sends the frames of a message too large for the ring (their buffers are transferred). */
  post(frames: Uint8Array[]): void;
}

/** One direction's memory, seen from either end. */
export class Direction {
  readonly h: Int32Array;
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly size: number;
  readonly mask: number;

  constructor(buffer: SharedArrayBuffer, direction: number) {
    const size = buffer.byteLength / 2 - HEADER_BYTES;
    this.size = size;
    this.mask = size - 1;
    this.h = new Int32Array(buffer, direction * HEADER_BYTES, HEADER_SLOTS);
    const at = 2 * HEADER_BYTES + direction * size;
    this.bytes = new Uint8Array(buffer, at, size);
    this.words = new Int32Array(buffer, at, size / 4);
  }
}

/** The ring of one direction and its flags, for the side that writes it. */
export function writerOf(end: RingEnd): Direction {
  return new Direction(end.buffer, end.side);
}

/** The ring of the other direction, for the side that reads it. */
export function readerOf(end: RingEnd): Direction {
  return new Direction(end.buffer, 1 - end.side);
}

const pad = (n: number) => (n + 3) & ~3;

/**
 * Writes whole messages into one direction's ring.
 *
 * @example
 * ```ts
 * const writer = new RingWriter(writerOf(end), doorbell);
 * if (!writer.write([bytes], false)) keepForLater([bytes]);
 * ```
 */
export class RingWriter {
  readonly #d: Direction;
  readonly #bell: Doorbell;
  /** A message whose records need more than this goes through the port. */
  readonly #inRing: number;
  #tail = 0;
  #published = 0;
  /** What the reader had released and taken when last looked at. */
  #released = 0;
  #taken = 0;
  /** The reader sleeps and the ring for it is scheduled. */
  #ringDue = false;
  /** Where the writer last looked whether the ring was empty. */
  #emptyChecked = 0;

  constructor(d: Direction, bell: Doorbell) {
    this.#d = d;
    this.#bell = bell;
    this.#inRing = d.size / 2;
    // Nothing is written before the writer opens: the counters stand where the ring was made to start.
    this.#tail = this.#released = Atomics.load(d.h, RELEASED);
    this.#published = this.#taken = Atomics.load(d.h, PUBLISHED);
  }

  /** Messages written and not yet handed out by the reader; `fresh` looks at the reader's count again. */
  inFlight(fresh: boolean): number {
    if (fresh) this.#taken = Atomics.load(this.#d.h, TAKEN);
    return (this.#published - this.#taken) | 0;
  }

  /** The reader's receive high-water mark. */
  get receiveHwm(): number {
    return Atomics.load(this.#d.h, RECEIVE_HWM);
  }

  /** Whether the reader has asked to be rung at the next message (for tests and diagnostics). */
  get readerSleeps(): boolean {
    return Atomics.load(this.#d.h, READER_WAITING) !== 0;
  }

  /** Whether the reader has let go (what is written is dropped). */
  get readerClosed(): boolean {
    return Atomics.load(this.#d.h, READER_CLOSED) !== 0;
  }

  /**
   * Writes and publishes a whole message if the ring has room for it now;
   * false (nothing written) otherwise. Rings the reader if it sleeps.
   */
  write(msg: Message, subscription: boolean): boolean {
    const d = this.#d;
    const n = msg.length;
    let need = 0;
    for (let i = 0; i < n; i++) need += 4 + pad(msg[i]!.length);
    if (need > this.#inRing) return this.#writeOutOfBand(msg, subscription);
    // A record never straddles the end of the ring: count the bytes skipped before one that would.
    const size = d.size;
    let start = this.#tail & d.mask;
    let total = need;
    // Back to the start of an empty ring: traffic that never fills the ring stays in its first
    // bytes, in cache and in few pages. The bytes skipped count as used until the reader passes the
    // WRAP word, so only from past HOT_BYTES (and four such messages): room enough meanwhile.
    const rewind = start >= HOT_BYTES && start >= 4 * need && this.#isEmpty();
    if (rewind) {
      total += size - start;
      start = 0;
    }
    let at = start;
    for (let i = 0; i < n; i++) {
      const rec = 4 + pad(msg[i]!.length);
      if (at + rec > size) {
        total += size - at;
        at = 0;
      }
      at = (at + rec) & d.mask;
    }
    if (!this.#hasRoom(total)) return false;
    const { words, bytes } = d;
    if (rewind) words[(this.#tail & d.mask) >> 2] = WRAP;
    const flags = subscription ? SUBSCRIPTION : 0;
    at = start;
    for (let i = 0; i < n; i++) {
      const frame = msg[i]!;
      const len = frame.length;
      const rec = 4 + pad(len);
      if (at + rec > size) {
        words[at >> 2] = WRAP;
        at = 0;
      }
      words[at >> 2] = (len << 3) | flags | (i < n - 1 ? MORE : 0);
      if (len <= SHORT_FRAME) {
        for (let j = 0; j < len; j++) bytes[at + 4 + j] = frame[j]!;
      } else bytes.set(frame, at + 4);
      at = (at + rec) & d.mask;
    }
    this.#tail = (this.#tail + total) | 0;
    this.#publish();
    return true;
  }

  /**
   * Whether the reader has released everything written. Its count is looked at
   * again at most once per EMPTY_CHECK_BYTES written (a load of the reader's
   * line per message cost a tenth of a writer's time at 1 B).
   */
  #isEmpty(): boolean {
    if (this.#released === this.#tail) return true;
    if (((this.#tail - this.#emptyChecked) | 0) < EMPTY_CHECK_BYTES) return false;
    this.#emptyChecked = this.#tail;
    this.#released = Atomics.load(this.#d.h, RELEASED);
    return this.#released === this.#tail;
  }

  /** Whether there is room for `next` now, as {@link waitForRoom} would wait for it (twice its records). */
  roomFor(next: Message): boolean {
    let need = 0;
    for (const f of next) need += 4 + pad(f.length);
    if (need > this.#inRing) need = 4;
    return this.#hasRoom(Math.min(2 * need, this.#d.size));
  }

  /** Whether `bytes` are free (the reader's progress is looked at again only when the last view says no). */
  #hasRoom(bytes: number): boolean {
    const size = this.#d.size;
    if (size - ((this.#tail - this.#released) | 0) >= bytes) return true;
    this.#released = Atomics.load(this.#d.h, RELEASED);
    return size - ((this.#tail - this.#released) | 0) >= bytes;
  }

  /** The frames go through the port, copied once into buffers that are transferred; the ring gets a marker. */
  #writeOutOfBand(msg: Message, subscription: boolean): boolean {
    const d = this.#d;
    if (!this.#hasRoom(4)) return false;
    this.#bell.post(msg.map((f) => f.slice()));
    d.words[(this.#tail & d.mask) >> 2] = OUT_OF_BAND | (subscription ? SUBSCRIPTION : 0);
    this.#tail = (this.#tail + 4) | 0;
    this.#publish();
    return true;
  }

  #publish(): void {
    const h = this.#d.h;
    this.#published = (this.#published + 1) | 0;
    Atomics.store(h, PUBLISHED, this.#published);
    if (this.#ringDue) return;
    if (Atomics.load(h, READER_WAITING) !== 0 && Atomics.exchange(h, READER_WAITING, 0) !== 0) {
      this.#scheduleRing();
    }
  }

  /** Rings the sleeping reader once this burst of messages is over (see RING_MESSAGES). */
  #scheduleRing(): void {
    this.#ringDue = true;
    const firstMessage = this.#published - 1;
    const firstByte = this.#tail;
    const quarter = this.#d.size / 4;
    afterBurst(
      () => (this.#published - firstMessage) | 0,
      () =>
        ((this.#published - firstMessage) | 0) < RING_MESSAGES &&
        ((this.#tail - firstByte) | 0) < quarter,
      () => {
        this.#ringDue = false;
        this.#bell.ring();
      },
    );
  }

  /**
   * Asks to be rung once the reader has handed out all but `lowWater` of the
   * messages in flight (-1: not waiting on the count), or, when `next` is
   * given, has released enough bytes for it (and at least a quarter of the ring).
   */
  waitForRoom(lowWater: number, next?: Message): void {
    const h = this.#d.h;
    const size = this.#d.size;
    Atomics.store(h, WAKE_TAKEN, (this.#published - lowWater) | 0);
    let wakeReleased = (this.#tail + 1) | 0; // never: nothing is released past the tail
    if (next !== undefined) {
      let need = 0;
      for (const f of next) need += 4 + pad(f.length);
      if (need > this.#inRing) need = 4;
      const released = Atomics.load(h, RELEASED);
      // Twice the message: room for it wherever the wrap falls (need is at most half the ring).
      const short = ((this.#tail - released) | 0) + 2 * need - size;
      // Never more than the ring holds: a reader that empties it must ring, whatever the target.
      const held = (this.#tail - released) | 0;
      wakeReleased = (released + Math.min(Math.max(short, size / 4), held)) | 0;
    }
    Atomics.store(h, WAKE_RELEASED, wakeReleased);
    Atomics.store(h, WRITER_WAITING, 1);
  }

  /** The reader's receive mark until the reader publishes its own (it opens later). */
  assumeReceiveHwm(hwm: number): void {
    Atomics.store(this.#d.h, RECEIVE_HWM, hwm);
  }

  /** Nothing more will be written. */
  close(): void {
    Atomics.store(this.#d.h, WRITER_CLOSED, 1);
  }
}

/**
 * Reads whole messages out of one direction's ring, a batch at a time.
 * Frames shorter than `copyBelow` are copied one by one; longer ones are
 * views into one copy of the batch (see `frameCopyLimit()` in runtime.ts).
 *
 * @example
 * ```ts
 * const reader = new RingReader(readerOf(end), doorbell, frameCopyLimit());
 * for (let m = reader.take(); m !== undefined; m = reader.take()) handle(m);
 * ```
 */
export class RingReader {
  readonly #d: Direction;
  readonly #bell: Doorbell;
  readonly #copyBelow: number;
  /** Bytes consumed from the ring. */
  #head = 0;
  /** Messages copied out of the ring, and handed out. */
  #read = 0;
  #taken = 0;
  /** The writer's count when last looked at. */
  #published = 0;
  /** Messages copied out and not yet handed out. */
  #batch: (Message | undefined)[] = [];
  #next = 0;
  /** Messages that came through the port, in order. */
  #outOfBand: Message[] = [];
  #closed = false;

  constructor(d: Direction, bell: Doorbell, copyBelow: number) {
    this.#d = d;
    this.#bell = bell;
    this.#copyBelow = copyBelow;
    // The writer may have published already; what the reader has consumed is where the ring started.
    this.#head = Atomics.load(d.h, RELEASED);
    this.#read = this.#taken = this.#published = Atomics.load(d.h, TAKEN);
  }

  /** Messages ready to be taken (0 also when the next one's frames are still on their way through the port). */
  get available(): number {
    const held = this.#batch.length - this.#next;
    if (held > 0 || this.#closed) return held;
    let waiting = (this.#published - this.#read) | 0;
    if (waiting === 0) {
      this.#published = Atomics.load(this.#d.h, PUBLISHED);
      waiting = (this.#published - this.#read) | 0;
      if (waiting === 0) return 0;
    }
    return this.#nextIsLate() ? 0 : waiting;
  }

  /** The next message, without taking it. */
  peek(): Message | undefined {
    if (this.#next === this.#batch.length && !this.#fill()) return undefined;
    return this.#batch[this.#next];
  }

  /** Takes the next message; undefined if none is ready. */
  take(): Message | undefined {
    if (this.#next === this.#batch.length && !this.#fill()) return undefined;
    const msg = this.#batch[this.#next]!;
    this.#batch[this.#next++] = undefined;
    const h = this.#d.h;
    this.#taken = (this.#taken + 1) | 0;
    Atomics.store(h, TAKEN, this.#taken);
    if (Atomics.load(h, WRITER_WAITING) !== 0) this.#wakeWriter();
    return msg;
  }

  /** A message that came through the port. */
  addOutOfBand(frames: Message): void {
    this.#outOfBand.push(frames);
  }

  /**
   * About to sleep: the writer will ring at its next message. False if one
   * was published meanwhile (then nothing sleeps; take it).
   */
  sleep(): boolean {
    const h = this.#d.h;
    Atomics.store(h, READER_WAITING, 1);
    if (this.available === 0) return true;
    Atomics.store(h, READER_WAITING, 0);
    return false;
  }

  /** Awake after all: the writer need not ring (a {@link sleep} may have asked it to). */
  awake(): void {
    if (Atomics.load(this.#d.h, READER_WAITING) !== 0) Atomics.store(this.#d.h, READER_WAITING, 0);
  }

  /** Whether the writer has asked to be rung for room (for tests and diagnostics). */
  get writerWaits(): boolean {
    return Atomics.load(this.#d.h, WRITER_WAITING) !== 0;
  }

  /** Whether the writer has finished. */
  get writerClosed(): boolean {
    return Atomics.load(this.#d.h, WRITER_CLOSED) !== 0;
  }

  /** Lets go: the writer drops what it writes from now on; what is here is dropped. */
  close(): void {
    this.#closed = true;
    Atomics.store(this.#d.h, READER_CLOSED, 1);
    this.#batch = [];
    this.#next = 0;
    this.#outOfBand = [];
  }

  /** Tells the writer this side's receive high-water mark. */
  set receiveHwm(hwm: number) {
    Atomics.store(this.#d.h, RECEIVE_HWM, hwm);
  }

  #wakeWriter(): void {
    const h = this.#d.h;
    const byCount = ((this.#taken - Atomics.load(h, WAKE_TAKEN)) | 0) >= 0;
    const byBytes = ((this.#head - Atomics.load(h, WAKE_RELEASED)) | 0) >= 0;
    if ((byCount || byBytes) && Atomics.exchange(h, WRITER_WAITING, 0) !== 0) this.#bell.ring();
  }

  /** Whether the next record is a message whose frames have not come through the port yet. */
  #nextIsLate(): boolean {
    const { words, mask } = this.#d;
    let at = this.#head & mask;
    if (words[at >> 2] === WRAP) at = 0;
    return (words[at >> 2]! & OUT_OF_BAND) !== 0 && this.#outOfBand.length === 0;
  }

  /** Copies the next batch of published messages out of the ring; false if there is none. */
  #fill(): boolean {
    if (this.#closed) return false;
    this.#batch.length = 0;
    this.#next = 0;
    let waiting = (this.#published - this.#read) | 0;
    if (waiting === 0) {
      this.#published = Atomics.load(this.#d.h, PUBLISHED);
      waiting = (this.#published - this.#read) | 0;
      if (waiting === 0) return false;
    }
    const { words, mask, size } = this.#d;
    const batch = this.#batch;
    let at = this.#head & mask;
    if (words[at >> 2] === WRAP) {
      this.#head = (this.#head + size - at) | 0;
      at = 0;
    }
    const first = words[at >> 2]!;
    if ((first & OUT_OF_BAND) !== 0) {
      const msg = this.#outOfBand.shift();
      if (msg === undefined) return false; // its frames are still on their way
      batch.push((first & SUBSCRIPTION) !== 0 ? asSubscription(msg) : msg);
      this.#head = (this.#head + 4) | 0;
    } else {
      this.#copyOut(at, Math.min(waiting, BATCH_MESSAGES));
    }
    this.#read = (this.#read + batch.length) | 0;
    Atomics.store(this.#d.h, RELEASED, this.#head);
    return true;
  }

  /**
   * Copies up to `count` messages from `start` (not past the end of the ring
   * or a message that came through the port) into the batch.
   */
  #copyOut(start: number, count: number): void {
    const { words, bytes, size } = this.#d;
    // Where the batch ends: whole messages only, within one stretch of the ring.
    let end = start;
    let messages = 0;
    let copied = false;
    while (messages < count && end - start < BATCH_BYTES) {
      let at = end;
      let whole = false;
      while (at < size) {
        const w = words[at >> 2]!;
        if (w === WRAP || (w & OUT_OF_BAND) !== 0) break;
        const len = w >>> 3;
        if (len >= this.#copyBelow) copied = true;
        at += 4 + pad(len);
        if ((w & MORE) === 0) {
          whole = true;
          break;
        }
      }
      if (!whole) break;
      end = at;
      messages++;
    }
    if (messages === 0) return this.#copyStraddling(start);
    const copy = copied ? bytes.slice(start, end) : bytes;
    const base = copied ? start : 0;
    const batch = this.#batch;
    let at = start;
    for (let m = 0; m < messages; m++) {
      let msg: Message | undefined;
      let sub = false;
      for (;;) {
        const w = words[at >> 2]!;
        const len = w >>> 3;
        const frame = len < this.#copyBelow
          ? copyShort(bytes, at + 4, len)
          : copy.subarray(at + 4 - base, at + 4 - base + len);
        if (msg === undefined) msg = [frame];
        else msg.push(frame);
        sub = (w & SUBSCRIPTION) !== 0;
        at += 4 + pad(len);
        if ((w & MORE) === 0) break;
      }
      batch.push(sub ? asSubscription(msg) : msg);
    }
    this.#head = (this.#head + (end - start)) | 0;
  }

  /** A multipart message that runs past the end of the ring: its frames are copied one by one. */
  #copyStraddling(start: number): void {
    const { words, bytes, size, mask } = this.#d;
    let at = start;
    let used = 0;
    const msg: Message = [];
    let sub = false;
    for (;;) {
      if (words[at >> 2] === WRAP) {
        used += size - at;
        at = 0;
      }
      const w = words[at >> 2]!;
      const len = w >>> 3;
      msg.push(bytes.slice(at + 4, at + 4 + len));
      sub = (w & SUBSCRIPTION) !== 0;
      used += 4 + pad(len);
      at = (at + 4 + pad(len)) & mask;
      if ((w & MORE) === 0) break;
    }
    this.#batch.push(sub ? asSubscription(msg) : msg);
    this.#head = (this.#head + used) | 0;
  }
}

function copyShort(bytes: Uint8Array, at: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = bytes[at + i]!;
  return out;
}
