/**
 * The fixed words of the HTTP CONNECT exchange that opens an RPC
 * connection: Go's paths and its exact 200 answer, and the headers netrpc
 * adds to choose a codec and to agree on extensions. Go's net/rpc writes bare LF line ends
 * (`CONNECT /_goRPC_ HTTP/1.0\n\n`, `HTTP/1.0 200 Connected to Go RPC\n\n`).
 */

/** CONNECTED_STATUS is the status text Go's rpc.DialHTTP requires, exactly. */
export const CONNECTED_STATUS = '200 Connected to Go RPC';

/** CONNECTED_RESPONSE is the exact byte sequence a Go server answers a CONNECT with. */
export const CONNECTED_RESPONSE = `HTTP/1.0 ${CONNECTED_STATUS}\n\n`;

/** DEFAULT_RPC_PATH is Go's rpc.DefaultRPCPath. */
export const DEFAULT_RPC_PATH = '/_goRPC_';

/** DEFAULT_DEBUG_PATH is Go's rpc.DefaultDebugPath. */
export const DEFAULT_DEBUG_PATH = '/debug/rpc';

/** CODEC_HEADER is the request header that names the wire format (lower-cased, as parsed heads hold it). */
export const CODEC_HEADER = 'rpc-codec';

/**
 * FEATURES_HEADER is the header, on the CONNECT request and on its 200
 * answer, that lists the wire extensions beyond Go's format a netrpc
 * client asks for and the server grants (comma-separated tokens,
 * lower-cased names as parsed heads hold it). A client uses an extension
 * only once the answer lists it: Go's servers and other peers never do,
 * so they only ever see what they expect.
 */
export const FEATURES_HEADER = 'rpc-features';

/**
 * METADATA_FEATURE is the extension that carries call context with each
 * request: the call's metadata and the client's timeout (see
 * src/codec/wire-context.ts for where each codec puts them).
 */
export const METADATA_FEATURE = 'metadata';

/** SERVER_FEATURES are the extensions a netrpc server grants when asked. */
export const SERVER_FEATURES: readonly string[] = [METADATA_FEATURE];

/** parseFeatures reads a FEATURES_HEADER value into its lower-cased tokens (none for undefined). */
export function parseFeatures(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/**
 * grantedFeatures is what a server confirms of a request's
 * FEATURES_HEADER: the tokens it offers, in its own order.
 */
export function grantedFeatures(requested: string | undefined, offered: readonly string[] = SERVER_FEATURES): string[] {
  if (requested === undefined) return [];
  const asked = parseFeatures(requested);
  return offered.filter((f) => asked.includes(f));
}

/**
 * connectedResponse is the 200 answer to a CONNECT: Go's exact line when
 * the request named no codec and asked for no feature, and otherwise Go's
 * status line plus an `Rpc-Codec` header confirming the choice (so a
 * netrpc client can tell a netrpc server from a Go one, which ignores the
 * request header and speaks gob) and an `Rpc-Features` header with the
 * extensions granted, when there are any.
 */
export function connectedResponse(confirmedCodec?: string, features: readonly string[] = []): string {
  if (confirmedCodec === undefined && features.length === 0) return CONNECTED_RESPONSE;
  const codec = confirmedCodec === undefined ? '' : `Rpc-Codec: ${confirmedCodec}\n`;
  const granted = features.length === 0 ? '' : `Rpc-Features: ${features.join(', ')}\n`;
  return `HTTP/1.0 ${CONNECTED_STATUS}\n${codec}${granted}\n`;
}
