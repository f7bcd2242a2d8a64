// A Worker for linger_test.ts: connects a PUSH, queues messages, closes it (linger -1) and reports.
import { Push } from "../../mod.ts";
import { joinContext } from "../../workers/mod.ts";

const { data } = await joinContext<{ endpoint: string; count: number }>();
const push = new Push();
push.connect(data.endpoint);
for (let i = 0; i < data.count; i++) await push.send(String(i));
push.close();
(globalThis as unknown as { postMessage(m: unknown): void }).postMessage({ closed: true });
