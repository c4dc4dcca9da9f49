/**
 * The drain signal: a netrpc server about to stop serving a connection
 * (close() started the drain, or the connection outlived
 * maxConnectionAgeMs) tells the client so before it refuses anything, with
 * the msgpack-rpc notification `[2, "$/goaway", [reason]]`. The client
 * then sends no new call on that connection; a pool moves new calls to
 * another connection at once. Calls the client sent before it read the
 * notice are still served.
 *
 * Only a client that asked gets it: a netrpc client names the notices it
 * understands in a CONNECT header, `Rpc-Notices: goaway`. msgpack-rpc
 * defines notifications as one-way calls of a method; a peer that only
 * implements the client side may take an unexpected message for a broken
 * stream, so a stock msgpack-rpc peer (and any peer over plain TCP, which
 * sends no headers) is never sent one. gob and Go's jsonrpc have no
 * one-way message at all: their peers get the drain refusal, exactly what
 * a stock Go client can understand.
 */

/** GOAWAY_NOTIFICATION is the reserved msgpack-rpc notification method of the drain signal. */
export const GOAWAY_NOTIFICATION = '$/goaway';

/** NOTICES_HEADER is the CONNECT request header (lower-cased, as parsed heads hold it) listing the notices a client understands. */
export const NOTICES_HEADER = 'rpc-notices';

/** GOAWAY_NOTICE is the word in NOTICES_HEADER that asks for the drain signal. */
export const GOAWAY_NOTICE = 'goaway';

/** NOTICES_REQUEST is the header a netrpc client sends on its CONNECT. */
export const NOTICES_REQUEST: Readonly<Record<string, string>> = { 'Rpc-Notices': GOAWAY_NOTICE };

/** GoawayReason says why a connection is asked to go away. */
export type GoawayReason = 'draining' | 'max-age';

/** wantsGoaway reports whether CONNECT headers (lower-cased names) ask for the drain signal. */
export function wantsGoaway(headers: Readonly<Record<string, string>>): boolean {
  const value = headers[NOTICES_HEADER];
  if (value === undefined) return false;
  return value.split(',').some((word) => word.trim().toLowerCase() === GOAWAY_NOTICE);
}
