import { DEFAULT_METADATA_LIMITS, MetadataProblem, readMetadata, readTimeoutMs } from '../call-metadata.js';
import type { MetadataLimits } from '../call-metadata.js';
import { RpcError } from '../errors.js';

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

/** WIRE_METADATA and WIRE_TIMEOUT are the member names msgpack and json use. */
export const WIRE_METADATA = 'metadata';
export const WIRE_TIMEOUT = 'timeoutMs';

/** ContextFields are what a server codec adds to a request from its call context. */
export interface ContextFields {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly argsError?: Error;
}

const NONE: ContextFields = Object.freeze({});

/**
 * readContext checks the metadata and timeout a request carried (either
 * undefined when absent) and returns them as request fields, or an
 * `argsError` saying what was wrong: the call is then answered with that
 * error and the connection goes on (the frame itself was well formed).
 */
export function readContext(metadata: unknown, timeoutMs: unknown, limits: MetadataLimits = DEFAULT_METADATA_LIMITS): ContextFields {
  let md: Readonly<Record<string, string>> | undefined;
  if (metadata !== undefined && metadata !== null) {
    const read = readMetadata(metadata, limits);
    if (read instanceof MetadataProblem) return { argsError: contextError(read) };
    md = read;
  }
  let timeout: number | undefined;
  if (timeoutMs !== undefined && timeoutMs !== null) {
    const read = readTimeoutMs(timeoutMs);
    if (read instanceof MetadataProblem) return { argsError: contextError(read) };
    timeout = read;
  }
  if (md === undefined && timeout === undefined) return NONE;
  if (timeout === undefined) return { metadata: md };
  return md === undefined ? { timeoutMs: timeout } : { metadata: md, timeoutMs: timeout };
}

/** wireContext is the msgpack / json object for a request's context, or undefined when it has none. */
export function wireContext(metadata: Readonly<Record<string, string>> | undefined, timeoutMs: number | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return timeoutMs === undefined ? undefined : { [WIRE_TIMEOUT]: timeoutMs };
  return timeoutMs === undefined ? { [WIRE_METADATA]: metadata } : { [WIRE_METADATA]: metadata, [WIRE_TIMEOUT]: timeoutMs };
}

function contextError(problem: MetadataProblem): RpcError {
  return new RpcError(problem.code, `rpc: ${problem.message}`);
}
