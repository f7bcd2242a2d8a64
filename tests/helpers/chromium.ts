/**
 * Debian's headless Chromium, driven over the DevTools protocol with the runtime's own WebSocket
 * client: open a page, evaluate in it, take a screenshot. Never downloads a browser.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { within } from "./timeout.ts";

/** Where Debian puts it (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Why browser tests cannot run here, or false when they can. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium)`;
}

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void };

/** One headless Chromium with one page. */
export class Chromium {
  #proc: ChildProcess;
  #profile: string;
  #ws!: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  #session = "";
  /** Exceptions and console errors the page reported. */
  readonly errors: string[] = [];
  /** Console messages the page logged. */
  readonly console: string[] = [];

  private constructor(proc: ChildProcess, profile: string) {
    this.#proc = proc;
    this.#profile = profile;
  }

  /** Starts Chromium with a fresh profile and opens `url` in a page. */
  static async open(url: string, size = { width: 1200, height: 760 }): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), "zmq-ts-chromium-"));
    const proc = spawn(CHROMIUM, [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      `--window-size=${size.width},${size.height}`,
      "about:blank",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    const c = new Chromium(proc, profile);
    try {
      const endpoint = await within(
        new Promise<string>((resolve, reject) => {
          let err = "";
          proc.stderr!.on("data", (d: Uint8Array) => {
            err += new TextDecoder().decode(d);
            const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
            if (m) resolve(m[1]!);
          });
          proc.on("exit", (code) => reject(new Error(`chromium exited (${code}): ${err}`)));
        }),
        20000,
        "Chromium's DevTools endpoint",
      );
      await c.#connect(endpoint);
      const { targetId } = await c.#send("Target.createTarget", { url: "about:blank" });
      c.#session = (await c.#send("Target.attachToTarget", { targetId, flatten: true })).sessionId;
      await c.send("Emulation.setDeviceMetricsOverride", {
        ...size,
        deviceScaleFactor: 1,
        mobile: false,
      });
      await c.send("Runtime.enable");
      await c.send("Page.enable");
      const loaded = c.#event("Page.loadEventFired");
      await c.send("Page.navigate", { url });
      await within(loaded, 20000, `the page ${url} to load`);
      return c;
    } catch (e) {
      await c.close();
      throw e;
    }
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  async evaluate<T>(expression: string, ms = 20000): Promise<T> {
    const r = await within(
      this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true }),
      ms,
      "an evaluation in the page",
    ).catch((e: Error) => {
      // A page whose module failed to load waits forever: say what it reported.
      throw this.errors.length > 0
        ? new Error(`${e.message}; the page reported: ${this.errors.join(" | ")}`)
        : e;
    });
    if (r.exceptionDetails) {
      throw new Error(
        `in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
      );
    }
    return r.result.value as T;
  }

  /** A PNG of the page as it is. */
  async screenshot(): Promise<Uint8Array> {
    const { data } = await this.send("Page.captureScreenshot", { format: "png" });
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  }

  /** Sends a command to the page's session. */
  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.#send(method, params, this.#session);
  }

  /** Ends Chromium and removes its profile. */
  async close(): Promise<void> {
    try {
      this.#ws?.close();
    } catch { /* not open */ }
    const exited = new Promise((r) => this.#proc.once("exit", r));
    if (this.#proc.exitCode === null) this.#proc.kill("SIGKILL");
    await within(exited, 10000, "Chromium to exit").catch(() => {});
    // Its helper processes may still be writing the profile for a moment.
    for (let attempt = 0;; attempt++) {
      try {
        rmSync(this.#profile, { recursive: true, force: true });
        return;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #connect(endpoint: string): Promise<void> {
    this.#ws = new WebSocket(endpoint);
    this.#ws.onmessage = (e: MessageEvent) => this.#onMessage(JSON.parse(String(e.data)));
    return within(
      new Promise((resolve, reject) => {
        this.#ws.onopen = () => resolve();
        this.#ws.onerror = () => reject(new Error("cannot reach Chromium's DevTools"));
      }),
      10000,
      "the DevTools connection",
    );
  }

  #listeners = new Map<string, ((params: any) => void)[]>();

  #event(method: string): Promise<any> {
    return new Promise((resolve) => {
      const list = this.#listeners.get(method) ?? [];
      list.push(resolve);
      this.#listeners.set(method, list);
    });
  }

  #onMessage(m: any): void {
    if (m.id !== undefined) {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error) p?.reject(new Error(`${m.error.message} (${m.error.code})`));
      else p?.resolve(m.result);
      return;
    }
    if (m.method === "Runtime.exceptionThrown") {
      this.errors.push(m.params.exceptionDetails?.exception?.description ?? "exception");
    } else if (m.method === "Runtime.consoleAPICalled") {
      const line = m.params.args.map((a: any) => a.value ?? a.description).join(" ");
      this.console.push(line);
      if (m.params.type === "error") this.errors.push(line);
    }
    for (const l of this.#listeners.get(m.method) ?? []) l(m.params);
    this.#listeners.delete(m.method);
  }

  #send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.#next++;
    const done = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return done;
  }
}
