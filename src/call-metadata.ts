import { ErrorCode, RpcError } from './errors.js';
import type { ErrorCodeValue } from './errors.js';
import { MAX_TIMER_MS } from './timer-delay.js';

/**
 * Call metadata: string pairs a client attaches to one call (W3C
 * `traceparent` / `tracestate`, a tenant, a request id) that reach the
 * server's handler as `ctx.metadata`. They travel only on connections
 * whose CONNECT negotiated them (see connect-wire.ts); the rules here are
 * the same on both sides, so what a client accepts a server accepts too.
 */

/** Metadata is one call's metadata: lower-case keys, string values. */
export type Metadata = Readonly<Record<string, string>>;

/**
 * DEFAULT_MAX_METADATA_BYTES is the most bytes (UTF-8 of every key and
 * value together) one call's metadata may have by default: 8 KiB, gRPC's
 * usual limit on a call's headers. A `traceparent` is 55 bytes.
 */
export const DEFAULT_MAX_METADATA_BYTES = 8 * 1024;

/** DEFAULT_MAX_METADATA_ENTRIES is the most keys one call's metadata may have by default. */
export const DEFAULT_MAX_METADATA_ENTRIES = 64;

/** MetadataLimits bound one call's metadata (see the defaults above). */
export interface MetadataLimits {
  readonly maxMetadataBytes: number;
  readonly maxMetadataEntries: number;
}

/** DEFAULT_METADATA_LIMITS are the limits of a side that sets none. */
export const DEFAULT_METADATA_LIMITS: MetadataLimits = {
  maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES,
  maxMetadataEntries: DEFAULT_MAX_METADATA_ENTRIES,
};

/**
 * METADATA_KEY is what a key may look like: lower-case letters, digits,
 * `-`, `_` and `.`, beginning with a letter or digit (gRPC's rule for
 * header names, which W3C's `traceparent` and `tracestate` follow), at
 * most 256 characters.
 */
const METADATA_KEY = /^[a-z0-9][a-z0-9_.-]{0,255}$/;

/** MetadataProblem is why metadata (or a call timeout) was refused, with the error code it is reported under. */
export class MetadataProblem {
  constructor(
    readonly code: ErrorCodeValue,
    readonly message: string,
  ) {}
}

/**
 * readMetadata checks a metadata value (the user's, or one a peer sent)
 * against the key rule and `limits`, and returns a fresh frozen copy (a
 * plain object: the key rule keeps `__proto__` out), or the problem: RPC_INVALID_ARGUMENT for anything but an object
 * of string keys and string values, RPC_MESSAGE_TOO_LARGE past the
 * limits. An object without keys returns undefined (nothing to carry).
 */
export function readMetadata(value: unknown, limits: MetadataLimits): Readonly<Record<string, string>> | undefined | MetadataProblem {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Map) {
    return invalid(`metadata must be an object of string values, not ${describe(value)}`);
  }
  let copy: Record<string, string> | undefined;
  let entries = 0;
  let bytes = 0;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (!METADATA_KEY.test(key)) return invalid(`metadata key ${JSON.stringify(key.slice(0, 64))} is not 1 to 256 lower-case letters, digits, '-', '_' or '.' starting with a letter or digit`);
    if (typeof v !== 'string') return invalid(`metadata value of ${JSON.stringify(key)} must be a string, not ${describe(v)}`);
    if (++entries > limits.maxMetadataEntries) {
      return new MetadataProblem(ErrorCode.MessageTooLarge, `metadata has more than ${limits.maxMetadataEntries} keys`);
    }
    bytes += key.length + Buffer.byteLength(v);
    if (bytes > limits.maxMetadataBytes) {
      return new MetadataProblem(ErrorCode.MessageTooLarge, `metadata is over ${limits.maxMetadataBytes} bytes`);
    }
    copy ??= {};
    copy[key] = v;
  }
  return copy && Object.freeze(copy);
}

/**
 * metadataError is the RpcError a client rejects a call with when its
 * metadata is refused (marked unsent: nothing was written).
 */
export function metadataError(serviceMethod: string, problem: MetadataProblem): RpcError {
  return new RpcError(problem.code, `rpc: ${serviceMethod}: ${problem.message}`, { unsent: true });
}

/**
 * wireTimeoutMs is the timeout a client sends with a call: its `timeout`
 * in whole milliseconds (rounded up), at most MAX_TIMER_MS; undefined for
 * none (0, negative, NaN).
 */
export function wireTimeoutMs(timeout: number): number | undefined {
  if (!(timeout > 0)) return undefined;
  return timeout >= MAX_TIMER_MS ? MAX_TIMER_MS : Math.ceil(timeout);
}

/**
 * readTimeoutMs checks a timeout a peer sent: a positive integer number of
 * milliseconds (a bigint or anything past MAX_TIMER_MS counts as
 * MAX_TIMER_MS, "no practical limit"). Anything else (zero, negative,
 * fractional, not a number) returns a problem.
 */
export function readTimeoutMs(value: unknown): number | MetadataProblem {
  if (typeof value === 'bigint' && value > 0n) return MAX_TIMER_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return invalid(`call timeout must be a positive whole number of milliseconds, not ${describe(value)}`);
  }
  return value > MAX_TIMER_MS ? MAX_TIMER_MS : value;
}

function invalid(message: string): MetadataProblem {
  return new MetadataProblem(ErrorCode.InvalidArgument, message);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
