/**
 * A raw TCP relay for tests: forwards a ZMTP connection byte for byte, and on the first
 * connection only, tampers with one CURVE MESSAGE frame going one way: flips one bit inside its box,
 * or sends it twice (a replay, nonce reused). Later connections pass untouched.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface TamperPlan {
  /** Which stream to tamper with: from the connecting side to the bound side, or back. */
  direction: "toServer" | "toClient";
  /** The index (from 0) of the MESSAGE frame to tamper with. */
  frame: number;
  action: "flip" | "replay";
}

/** Splits one direction of a ZMTP stream into its greeting and frames, forwarding each. */
class FrameSplitter {
  #greetingLeft = 64;
  #buf = new Uint8Array(0);
  #messages = 0;
  constructor(readonly onFrame: (frame: Uint8Array, messageIndex: number | undefined) => void) {}

  push(chunk: Uint8Array, forward: (bytes: Uint8Array) => void): void {
    if (this.#greetingLeft > 0) {
      const take = Math.min(chunk.length, this.#greetingLeft);
      forward(chunk.subarray(0, take)); // at once: libzmq sends its greeting in stages and waits
      this.#greetingLeft -= take;
      chunk = chunk.subarray(take);
    }
    const joined = new Uint8Array(this.#buf.length + chunk.length);
    joined.set(this.#buf);
    joined.set(chunk, this.#buf.length);
    let at = 0;
    for (;;) {
      if (joined.length - at < 2) break;
      const flags = joined[at]!;
      let size: number;
      let header: number;
      if (flags & 0x02) {
        if (joined.length - at < 9) break;
        size = new DataView(joined.buffer, at + 1, 8).getUint32(4); // frames here stay below 4 GiB
        header = 9;
      } else {
        size = joined[at + 1]!;
        header = 2;
      }
      if (joined.length - at < header + size) break;
      const frame = joined.slice(at, at + header + size);
      const body = frame.subarray(header);
      const isMessage = body.length > 8 && body[0] === 7 &&
        String.fromCharCode(...body.subarray(1, 8)) === "MESSAGE";
      this.onFrame(frame, isMessage ? this.#messages++ : undefined);
      at += header + size;
    }
    this.#buf = joined.slice(at);
  }
}

export class TamperRelay {
  #server: Server;
  #sockets = new Set<Socket>();
  /** How many frames were tampered with (0 or 1). */
  tampered = 0;
  /** Connections made through the relay. */
  connections = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  static start(targetPort: number, plan: TamperPlan): Promise<TamperRelay> {
    const server = createServer();
    const relay = new TamperRelay(server);
    server.on("connection", (fromClient) => {
      const first = relay.connections++ === 0;
      const toServer = createConnection({ host: "127.0.0.1", port: targetPort });
      relay.#sockets.add(fromClient).add(toServer);
      const pipe = (from: Socket, to: Socket, direction: TamperPlan["direction"]) => {
        const active = first && plan.direction === direction;
        const send = (b: Uint8Array) => {
          if (!to.destroyed) to.write(b);
        };
        const splitter = new FrameSplitter((frame, index) => {
          if (!active || index !== plan.frame) return send(frame);
          relay.tampered++;
          if (plan.action === "replay") {
            send(frame);
            send(frame);
          } else {
            const changed = frame.slice();
            changed[changed.length - 1]! ^= 0x01; // inside the box: the last ciphertext byte
            send(changed);
          }
        });
        from.on("data", (chunk: Uint8Array) => splitter.push(new Uint8Array(chunk), send));
        from.on("close", () => to.destroy());
        from.on("error", () => {});
      };
      pipe(fromClient, toServer, "toServer");
      pipe(toServer, fromClient, "toClient");
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(relay)));
  }

  close(): void {
    for (const s of this.#sockets) s.destroy();
    this.#server.close();
  }
}
