import { ErrorCode, RpcError } from './errors.js';

const dialFailures = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * fromSocketError maps an error from Node's `net`/`tls` modules to an
 * RpcError: failures to reach the host become `RPC_CONNECT`, everything
 * else (ECONNRESET, EPIPE, ...) `RPC_CONNECTION_LOST`. The original error is
 * kept as `cause`.
 */
export function fromSocketError(err: unknown, during: 'dial' | 'io'): RpcError {
  if (err instanceof RpcError) return err;
  const sysCode = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? err.message : String(err);
  if (during === 'dial' || (typeof sysCode === 'string' && dialFailures.has(sysCode))) {
    return new RpcError(ErrorCode.Connect, `rpc: cannot connect: ${text}`, { cause: err });
  }
  return new RpcError(ErrorCode.ConnectionLost, `rpc: connection lost: ${text}`, { cause: err });
}
