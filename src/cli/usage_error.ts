/**
 * The `zmq` command's one error for a wrong command line.
 *
 * @module
 */

/** A command line the `zmq` command cannot run; the message says why. Exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
