/**
 * What a subscriber wants: a counting trie of topic prefixes (libzmq's
 * `trie_t`, zmtp.md §4.6). Subscribing to a topic twice needs two
 * unsubscribes to drop it; SUB and XSUB keep one and resend its topics to
 * every publisher they meet.
 *
 * @module
 */

import { nodeFor, pathTo, prune } from "./trie_path.ts";

interface Node {
  count: number;
  children: Map<number, Node> | undefined;
}

const newNode = (): Node => ({ count: 0, children: undefined });

/**
 * @example
 * ```ts
 * const topics = new TopicTrie();
 * topics.add(new TextEncoder().encode("weather."));
 * topics.matches(new TextEncoder().encode("weather.paris")); // true
 * ```
 */
export class TopicTrie {
  #root = newNode();
  #size = 0;

  /** Distinct topics held. */
  get size(): number {
    return this.#size;
  }

  /** Counts one more subscription to `topic`; true if it is new. */
  add(topic: Uint8Array): boolean {
    const node = nodeFor(this.#root, topic, newNode);
    if (++node.count === 1) this.#size++;
    return node.count === 1;
  }

  /** Counts one subscription to `topic` off; true if that was its last (false if it had none). */
  remove(topic: Uint8Array): boolean {
    const path = pathTo(this.#root, topic);
    const node = path?.at(-1);
    if (node === undefined || node.count === 0) return false;
    if (--node.count > 0) return false;
    this.#size--;
    prune(path!, topic, (n) => n.count === 0);
    return true;
  }

  /** Whether some held topic is a prefix of `data` (the empty topic matches everything). */
  matches(data: Uint8Array): boolean {
    let node: Node | undefined = this.#root;
    for (let i = 0; node !== undefined; i++) {
      if (node.count > 0) return true;
      if (i === data.length) return false;
      node = node.children?.get(data[i]!);
    }
    return false;
  }

  /** Every distinct topic held, once each. */
  topics(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const walk = (node: Node, prefix: number[]) => {
      if (node.count > 0) out.push(Uint8Array.from(prefix));
      for (const [byte, child] of node.children ?? []) {
        prefix.push(byte);
        walk(child, prefix);
        prefix.pop();
      }
    };
    walk(this.#root, []);
    return out;
  }
}
