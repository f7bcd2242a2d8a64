/**
 * version: which version am I running? (the Guide, chapter 1). The Guide's
 * version prints libzmq's version; zmq-ts has no version export yet, so this
 * prints the package version from deno.json (the manifest zmq-ts is published
 * with; package.json only describes the development toolchain) and the wire
 * protocol it speaks.
 *
 * Run: `deno run -A examples/version.ts` or `bun examples/version.ts`.
 */
import manifest from "../deno.json" with { type: "json" };

const runtime = "Bun" in globalThis ? "Bun" : "Deno";
console.log(`Current zmq-ts version is ${manifest.version}`);
console.log(`Wire protocol: ZMTP 3.1 (interoperates with libzmq 4.x); running on ${runtime}`);
