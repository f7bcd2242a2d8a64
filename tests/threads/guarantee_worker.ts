// A Worker for guarantees_test.ts: joins the shared context, plays one role, and reports with
// postMessage. Commands from the test arrive as plain messages after the join.
import { Pull, Push } from "../../mod.ts";
import { joinContext } from "../../workers/mod.ts";
import { until } from "../helpers/timeout.ts";
import { pause, PAUSES_US } from "./pacing.ts";

interface Job {
  role:
    | "hwm"
    | "send-then-wait"
    | "paced-send"
    | "pull-bind"
    | "linger"
    | "conflate"
    | "wrong-type"
    | "terminate";
  endpoint: string;
  count?: number;
  size?: number;
  sendHwm?: number;
  receiveHwm?: number;
}

const { context, data: job } = await joinContext<Job>();
const scope = globalThis as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: "message", f: (e: MessageEvent) => void): void;
};
const post = (m: unknown) => scope.postMessage(m);
const commands: unknown[] = [];
const waiters: ((c: unknown) => void)[] = [];
scope.addEventListener("message", (e) => {
  const w = waiters.shift();
  if (w) w(e.data);
  else commands.push(e.data);
});
const command = () =>
  commands.length > 0 ? Promise.resolve(commands.shift()) : new Promise((r) => waiters.push(r));
const payload = (i: number, size: number) => {
  const b = new Uint8Array(size).fill(i & 0xff);
  return [String(i), b];
};

try {
  switch (job.role) {
    case "hwm": { // one message, then (on "go") as many as fit without waiting, then `count` more
      const push = new Push({ sendHighWaterMark: job.sendHwm, sendTimeout: 0 });
      push.connect(job.endpoint);
      push.sendTimeout = -1;
      await push.send("0");
      await command();
      push.sendTimeout = 0;
      let i = 1;
      for (;; i++) {
        try {
          await push.send(String(i));
        } catch (e) {
          if ((e as { code?: string }).code !== "EAGAIN") throw e;
          break;
        }
      }
      post({ accepted: i - 1 });
      push.sendTimeout = -1;
      for (let n = 0; n < job.count!; n++) await push.send(String(i++));
      post({ done: true });
      break;
    }
    case "send-then-wait": { // one message, then (on "go") `count` more, then wait to be terminated
      const push = new Push({ sendHighWaterMark: job.sendHwm });
      push.connect(job.endpoint);
      await push.send("0");
      await command();
      for (let i = 1; i <= job.count!; i++) await push.send(String(i));
      post({ sent: job.count });
      break;
    }
    case "paced-send": { // `count` messages, each after a pause from PAUSES_US in turn
      const push = new Push();
      push.connect(job.endpoint);
      for (let i = 0; i < job.count!; i++) {
        pause(PAUSES_US[i % PAUSES_US.length]!);
        await push.send(String(i));
      }
      post({ sent: job.count });
      break;
    }
    case "pull-bind": { // bind; report the first message; on {until: n} read to message n, report all
      const pull = new Pull({ receiveHighWaterMark: job.receiveHwm });
      await pull.bind(job.endpoint);
      post({ bound: true });
      await pull.receive();
      post({ first: true });
      const { until: last } = await command() as { until: number };
      const got: number[] = [];
      for (;;) {
        const [n] = await pull.receive();
        got.push(Number(new TextDecoder().decode(n)));
        if (got.at(-1) === last) break;
      }
      post({ got });
      break;
    }
    case "linger": { // `count` messages of `size` bytes, most held back by a full ring; then close
      const push = new Push();
      push.connect(job.endpoint);
      for (let i = 0; i < job.count!; i++) await push.send(payload(i, job.size!));
      push.close(); // linger -1: delivered however long it takes
      post({ closed: true });
      break;
    }
    case "conflate": { // `count` messages through a conflating PUSH
      const push = new Push({ conflate: true });
      push.connect(job.endpoint);
      await push.send("first");
      await command();
      for (let i = 0; i < job.count!; i++) await push.send(String(i));
      post({ done: true });
      break;
    }
    case "wrong-type": { // a PUSH connecting to a PUSH: turned away, its queued message dropped
      const push = new Push();
      push.connect(job.endpoint);
      await push.send("never delivered");
      await until(() => !push.writable, 5000, "the connection to be turned away");
      post({ refused: true });
      break;
    }
    case "terminate": { // on "go", terminate the shared context from this thread
      post({ ready: true });
      await command();
      context.terminate();
      post({ terminated: true });
      break;
    }
  }
} catch (e) {
  post({ error: String(e) });
}
