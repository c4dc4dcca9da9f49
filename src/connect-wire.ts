/**
 * The fixed words of the HTTP CONNECT exchange that opens an RPC
 * connection: Go's paths and its exact 200 answer, and the header netrpc
 * adds to choose a codec. Go's net/rpc writes bare LF line ends
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
 * connectedResponse is the 200 answer to a CONNECT: Go's exact line when
 * the request named no codec, and otherwise Go's status line plus an
 * `Rpc-Codec` header confirming the choice, so a netrpc client can tell a
 * netrpc server from a Go one (which ignores the request header and
 * speaks gob).
 */
export function connectedResponse(confirmedCodec?: string): string {
  return confirmedCodec === undefined ? CONNECTED_RESPONSE : `HTTP/1.0 ${CONNECTED_STATUS}\nRpc-Codec: ${confirmedCodec}\n\n`;
}
