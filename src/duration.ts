import { ErrorCode, RpcError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * parseDuration reads `500ms`, `5s`, `1.5m`, `2h`, or a bare number of
 * milliseconds, and returns milliseconds. Throws RpcError
 * (RPC_INVALID_ARGUMENT) for anything else or a negative value.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid duration ${JSON.stringify(text)}; use for example 500ms, 5s, 1m`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}
