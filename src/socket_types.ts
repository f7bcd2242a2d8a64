/**
 * Which socket types may talk to which (RFC 37 and libzmq's
 * `mechanism_t::check_socket_type`), and which carry an Identity.
 *
 * @module
 */

const PEERS: Record<string, readonly string[]> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
};

/**
 * Whether a socket of type `ours` accepts a peer of type `theirs`.
 *
 * @example
 * ```ts
 * console.assert(compatible("PUSH", "PULL") && !compatible("PUSH", "PUSH"));
 * ```
 */
export function compatible(ours: string, theirs: string): boolean {
  return PEERS[ours]?.includes(theirs) ?? false;
}

/** libzmq sends the Identity property only from these types. */
export function sendsIdentity(type: string): boolean {
  return type === "REQ" || type === "DEALER" || type === "ROUTER";
}
