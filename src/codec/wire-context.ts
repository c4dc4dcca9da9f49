import { DEFAULT_METADATA_LIMITS, MetadataProblem, readMetadata, readTimeoutMs } from '../call-metadata.js';
import type { MetadataLimits } from '../call-metadata.js';
import { RpcError } from '../errors.js';
import type { ServerRequest } from './codec.js';

/**
 * Call context on the wire: what a client that negotiated it on the
 * CONNECT (`Rpc-Features: metadata`) sends with a request beside the
 * format's own envelope. Each codec carries the same two things:
 * - `metadata`: a map of string to string (see src/call-metadata.ts);
 * - `timeoutMs`: the client's timeout for the call, a positive integer
 *   of milliseconds counted from when the client sent it (relative, so
 *   the two clocks need not agree).
 * Either may be missing; a request with neither is sent exactly as
 * without the feature. Where they travel:
 * - msgpack: a fifth element of the request array, a map
 *   `{"metadata": {...}, "timeoutMs": n}`;
 * - json: two more members of the request object, `"metadata"` and `"timeoutMs"`;
 * - gob: the request header sent as a struct
 *   `Request{ServiceMethod string; Seq uint64; Metadata map[string]string; TimeoutMs uint64}`
 *   (a gob type of its own; Go's decoder would ignore the two extra fields).
 */

/**
 * DEADLINE_PASSED is the error text a server answers a call with when the
 * deadline its client sent passed first (the handler's signal aborts as
 * for a cancel). The client has normally given up by then and drops it; a
 * client whose own timer is late takes this exact text as its timeout
 * (RPC_TIMEOUT), as it would have been without the server's answer.
 */
export const DEADLINE_PASSED = "rpc: the client's deadline passed";

/** WIRE_METADATA and WIRE_TIMEOUT are the member names msgpack and json use. */
export const WIRE_METADATA = 'metadata';
export const WIRE_TIMEOUT = 'timeoutMs';

/**
 * requestWithContext is the request a server codec decoded, with the
 * metadata and timeout it carried (either undefined when absent) checked:
 * they become the request's fields, or, when either is malformed or over
 * `limits`, its `argsError` says what was wrong (the call is then answered
 * with that error and the connection goes on: the frame itself was well
 * formed). Every such request has the same shape.
 */
export function requestWithContext(
  id: number,
  serviceMethod: string,
  args: unknown,
  metadata: unknown,
  timeoutMs: unknown,
  limits: MetadataLimits = DEFAULT_METADATA_LIMITS,
  heldCost?: number,
): ServerRequest {
  let md: Readonly<Record<string, string>> | undefined;
  let timeout: number | undefined;
  let argsError: RpcError | undefined;
  if (metadata !== undefined && metadata !== null) {
    const read = readMetadata(metadata, limits);
    if (read instanceof MetadataProblem) argsError = contextError(read);
    else md = read;
  }
  if (argsError === undefined && timeoutMs !== undefined && timeoutMs !== null) {
    const read = readTimeoutMs(timeoutMs);
    if (read instanceof MetadataProblem) argsError = contextError(read);
    else timeout = read;
  }
  if (argsError !== undefined) md = timeout = undefined;
  return { type: 'request', id, serviceMethod, args, argsError, metadata: md, timeoutMs: timeout, heldCost };
}

/** wireContext is the msgpack / json object for a request's context, or undefined when it has none. */
export function wireContext(metadata: Readonly<Record<string, string>> | undefined, timeoutMs: number | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return timeoutMs === undefined ? undefined : { [WIRE_TIMEOUT]: timeoutMs };
  return timeoutMs === undefined ? { [WIRE_METADATA]: metadata } : { [WIRE_METADATA]: metadata, [WIRE_TIMEOUT]: timeoutMs };
}

function contextError(problem: MetadataProblem): RpcError {
  return new RpcError(problem.code, `rpc: ${problem.message}`);
}
