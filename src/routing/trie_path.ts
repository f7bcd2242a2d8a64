/**
 * What the two subscription tries share: a tree of nodes keyed by one byte
 * each, walked along a topic. The tries differ only in what a node holds
 * (a count, or a set of pipes).
 *
 * @module
 */

/** A node with children by next byte. */
export interface TrieNode<N> {
  children: Map<number, N> | undefined;
}

/**
 * The node for `key`, made along the way where missing.
 *
 * @example
 * ```ts
 * const node = nodeFor(root, topic, () => ({ count: 0, children: undefined }));
 * ```
 */
export function nodeFor<N extends TrieNode<N>>(root: N, key: Uint8Array, make: () => N): N {
  let node = root;
  for (const byte of key) {
    node.children ??= new Map();
    let next = node.children.get(byte);
    if (next === undefined) node.children.set(byte, next = make());
    node = next;
  }
  return node;
}

/** The nodes from the root to `key`'s node (key.length + 1 of them), or undefined if it is not there. */
export function pathTo<N extends TrieNode<N>>(root: N, key: Uint8Array): N[] | undefined {
  const path = [root];
  let node = root;
  for (const byte of key) {
    const next = node.children?.get(byte);
    if (next === undefined) return undefined;
    path.push(next);
    node = next;
  }
  return path;
}

/** Cuts off the end of `path` (as pathTo gave it for `key`) where nodes hold nothing and lead nowhere. */
export function prune<N extends TrieNode<N>>(
  path: N[],
  key: Uint8Array,
  holdsNothing: (n: N) => boolean,
): void {
  for (let i = key.length; i > 0; i--) {
    const n = path[i]!;
    if (!holdsNothing(n) || (n.children?.size ?? 0) > 0) break;
    path[i - 1]!.children!.delete(key[i - 1]!);
  }
}
