/**
 * The file of a bound ipc endpoint, for both runtimes' adapters (which supply the file calls).
 *
 * A bind replaces whatever is at the path: a file left by an earlier process, or one still
 * bound (libzmq does the same). So when a socket lets go of the path, the file there may be a
 * later binder's, and deleting it would leave that binder unreachable while it believes it is
 * bound (libzmq since 4.2.3 never deletes it on close, for this reason). We delete it only while
 * it is still ours, so that the common case leaves no stale file: no later bind of the path in
 * this thread, and the file the same one we made (device, inode and timestamps: an inode number
 * alone is reused at once by some file systems).
 *
 * Both runtimes delete a unix listener's path themselves when it closes (Bun at once, Deno once
 * the pending accept is cancelled), whoever's file is there by then. So the listener is made
 * under a spare name beside the path and renamed into place, which also replaces a file there in
 * one step: the runtime then deletes only the spare name, long gone, and the decision is ours.
 *
 * @module
 */

/** The few file calls this needs, from the runtime. */
export interface SocketFiles {
  /** What tells the file at `path` from a later one there; undefined if nothing is there. */
  identity(path: string): string | undefined;
  /** Deletes the file at `path`; throws if there is none. */
  remove(path: string): void;
  /** Renames `from` to `to`, replacing what is at `to`. */
  rename(from: string, to: string): void;
}

/** The latest bind of each path in this thread. */
const latest = new Map<string, object>();

function removeQuietly(path: string, files: SocketFiles): void {
  try {
    files.remove(path);
  } catch { /* nothing there */ }
}

/**
 * Makes a unix listener at `path` with the runtime's `listen`, and the function to call once it
 * is closed (`close` closes a listener made here that could not be put in place). If the spare
 * name cannot be bound (too long for a socket address, say), the listener is made at the path
 * itself; the runtime may then delete a later binder's file when it closes.
 *
 * @example
 * ```ts
 * const { listener, release } = listenAtPath("/tmp/feed.sock", files, listen, (l) => l.close());
 * // ... when the socket unbinds:
 * listener.close();
 * release();
 * ```
 */
export function listenAtPath<L>(
  path: string,
  files: SocketFiles,
  listen: (path: string) => L,
  close: (listener: L) => void,
): { listener: L; release: () => void } {
  const spare = `${path.slice(0, path.lastIndexOf("/") + 1)}.zmq-${
    Math.random().toString(36).slice(2, 8)
  }`;
  let listener: L;
  try {
    listener = listen(spare);
    try {
      files.rename(spare, path);
    } catch (e) {
      close(listener);
      removeQuietly(spare, files);
      throw e;
    }
  } catch {
    removeQuietly(path, files);
    listener = listen(path);
  }
  return { listener, release: ownFile(path, files) };
}

/** Returns what deletes the file now at `path` when called, if it is still this bind's. */
function ownFile(path: string, files: SocketFiles): () => void {
  const bind = {};
  latest.set(path, bind);
  const mine = files.identity(path);
  return () => {
    if (latest.get(path) !== bind) return; // bound again since, in this thread: the file is theirs
    latest.delete(path);
    if (mine === undefined || files.identity(path) !== mine) return; // replaced from elsewhere
    removeQuietly(path, files);
  };
}
