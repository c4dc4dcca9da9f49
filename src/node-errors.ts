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

/**
 * fromListenError maps a failure of `net.Server.listen` on host:port (or
 * a Unix socket path, port undefined) to
 * RPC_LISTEN, saying what the usual causes mean (Node's error is the
 * `cause`, its `code` there: EADDRINUSE, EACCES, EADDRNOTAVAIL, ...).
 */
export function fromListenError(err: unknown, host: string, port: number | undefined): RpcError {
  if (err instanceof RpcError) return err;
  const sysCode = (err as { code?: unknown } | null)?.code;
  const where = port === undefined ? host : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const why =
    sysCode === 'EADDRINUSE'
      ? 'the address is already in use (another process listens there; pick another port or stop it)'
      : sysCode === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : sysCode === 'EADDRNOTAVAIL'
          ? 'the address is not one of this machine\'s'
          : err instanceof Error
            ? err.message
            : String(err);
  return new RpcError(ErrorCode.Listen, `rpc: cannot listen on ${where}: ${why}`, { cause: err });
}
