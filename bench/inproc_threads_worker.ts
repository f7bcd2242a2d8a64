// The Worker half of bench/inproc_threads.ts: a PUSH that sends, then a REP that echoes.
import { Push, Reply } from "../mod.ts";
import { joinContext } from "../workers/mod.ts";

const { data } = await joinContext<{ size: number; count: number; roundtrips: number }>();
const push = new Push({ sendHighWaterMark: 10_000 });
push.connect("inproc://thr");
const payload = new Uint8Array(data.size);
for (let i = 0; i < data.count; i++) await push.send(payload);
const rep = new Reply();
rep.connect("inproc://lat");
for (let i = 0; i < data.roundtrips; i++) await rep.send(await rep.receive());
push.close();
rep.close();
