/**
 * Who wants what: for each topic prefix, the set of subscriber pipes that
 * asked for it (libzmq's `mtrie_t`, zmtp.md §4.6). A pipe subscribing twice
 * to a topic is recorded once, and one unsubscribe removes it, as libzmq does.
 *
 * @module
 */

import type { Pipe } from "../pipe.ts";
import { nodeFor, pathTo, prune } from "./trie_path.ts";

interface Node {
  pipes: Set<Pipe> | undefined;
  children: Map<number, Node> | undefined;
}

const newNode = (): Node => ({ pipes: undefined, children: undefined });

/** What {@link SubscriberTrie.remove} found. */
export type RemoveResult = "notFound" | "lastRemoved" | "valuesRemain";

/**
 * @example
 * ```ts
 * const trie = new SubscriberTrie();
 * trie.add(new TextEncoder().encode("A"), pipe); // true: first subscriber of "A"
 * const targets = new Set<Pipe>();
 * trie.match(new TextEncoder().encode("ABC"), targets); // targets has pipe
 * ```
 */
export class SubscriberTrie {
  #root = newNode();

  /** Records `pipe` as subscribed to `topic`; true if nobody was subscribed to it before. */
  add(topic: Uint8Array, pipe: Pipe): boolean {
    const node = nodeFor(this.#root, topic, newNode);
    const first = node.pipes === undefined || node.pipes.size === 0;
    (node.pipes ??= new Set()).add(pipe);
    return first;
  }

  /** Removes `pipe`'s subscription to `topic`. */
  remove(topic: Uint8Array, pipe: Pipe): RemoveResult {
    const path = pathTo(this.#root, topic);
    const node = path?.at(-1);
    if (node?.pipes?.delete(pipe) !== true) return "notFound";
    if (node.pipes.size > 0) return "valuesRemain";
    node.pipes = undefined;
    prune(path!, topic, (n) => n.pipes === undefined);
    return "lastRemoved";
  }

  /**
   * Removes every subscription of `pipe`, telling `removed` each topic it
   * held and whether it was the last subscriber of it.
   */
  removePipe(pipe: Pipe, removed?: (topic: Uint8Array, last: boolean) => void): void {
    const walk = (node: Node, prefix: number[]): boolean => {
      if (node.pipes?.delete(pipe) === true) {
        const last = node.pipes.size === 0;
        if (last) node.pipes = undefined;
        removed?.(Uint8Array.from(prefix), last);
      }
      for (const [byte, child] of node.children ?? []) {
        prefix.push(byte);
        if (walk(child, prefix)) node.children!.delete(byte);
        prefix.pop();
      }
      return node.pipes === undefined && (node.children?.size ?? 0) === 0;
    };
    walk(this.#root, []);
  }

  /** Adds to `into` every pipe subscribed to a prefix of `data`. */
  match(data: Uint8Array, into: Set<Pipe>): void {
    let node: Node | undefined = this.#root;
    for (let i = 0; node !== undefined; i++) {
      if (node.pipes !== undefined) { for (const p of node.pipes) into.add(p); }
      if (i === data.length) return;
      node = node.children?.get(data[i]!);
    }
  }

  /**
   * The pipes a message whose first frame is `data` goes to: those
   * subscribed to a prefix of it, or with `invert` the rest of `all`.
   */
  select(data: Uint8Array, all: Iterable<Pipe>, invert: boolean): Set<Pipe> {
    const matched = new Set<Pipe>();
    this.match(data, matched);
    if (!invert) return matched;
    const rest = new Set<Pipe>();
    for (const p of all) if (!matched.has(p)) rest.add(p);
    return rest;
  }
}
