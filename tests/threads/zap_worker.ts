// A Worker for the cross-thread ZAP tests: joins the shared context and plays one side, a secure
// server (a PULL with CURVE or PLAIN) or the ZAP handler (an Authenticator), reporting what it saw.
import { Authenticator, Pull } from "../../mod.ts";
import { joinContext } from "../../workers/mod.ts";

interface Job {
  role: "server" | "authenticator";
  /** For "server": CURVE with this secret key, or PLAIN when absent. */
  curveSecretKey?: string;
  /** For "authenticator": the CURVE keys and PLAIN logins it lets in. */
  publicKeys?: string[];
  passwords?: Record<string, string>;
}

const { data: job } = await joinContext<Job>();
const scope = globalThis as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: "message", f: (e: MessageEvent) => void): void;
};
const post = (m: unknown) => scope.postMessage(m);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

switch (job.role) {
  case "server": { // reports {endpoint}, then each handshake, refusal and message, in order
    const pull = new Pull(
      job.curveSecretKey === undefined
        ? { plainServer: true, linger: 0 }
        : { curveServer: true, curveSecretKey: job.curveSecretKey, linger: 0 },
    );
    pull.events.on("handshake", (e) => post({ handshake: e.userId ?? null }));
    pull.events.on("handshake:error:auth", (e) => post({ refused: e.status ?? 0 }));
    pull.events.on("handshake:error:other", (e) => post({ failed: String(e.error?.message) }));
    await pull.bind("tcp://127.0.0.1:*");
    post({ endpoint: pull.lastEndpoint });
    for await (const [body] of pull) post({ received: text(body) });
    break;
  }
  case "authenticator": { // reports {started}; told "close", closes and reports {closed}
    const auth = new Authenticator({ publicKeys: job.publicKeys, passwords: job.passwords });
    await auth.start();
    scope.addEventListener("message", (e) => {
      if (e.data !== "close") return;
      auth.close();
      post({ closed: true });
    });
    post({ started: true });
    break;
  }
}
