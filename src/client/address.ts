import { ErrorCode, RpcError } from '../errors.js';

/** Endpoint is a parsed dial address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** Path from an `http://host:port/path` address, if it had one. */
  readonly path: string | undefined;
  /** True for an `https://` address: dial with TLS. */
  readonly secure: boolean;
}

/**
 * parseAddress accepts `host:port`, `[v6]:port`, `:port` (localhost) and
 * `http://host:port[/path]` or `https://host:port[/path]` (TLS).
 * Throws RpcError (RPC_INVALID_ARGUMENT).
 */
export function parseAddress(address: string): Endpoint {
  let rest = address.trim();
  let path: string | undefined;
  const secure = /^https:\/\//i.test(rest);
  if (secure || /^http:\/\//i.test(rest)) {
    let url: URL;
    try {
      url = new URL(rest);
    } catch {
      throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid address ${JSON.stringify(address)}; want host:port`);
    }
    if (url.pathname !== '/') path = url.pathname;
    rest = url.port ? url.host : `${url.host}:${secure ? 443 : 80}`;
  }
  const m = /^(?:\[([^\]]+)\]|([^:/]*)):(\d{1,5})$/.exec(rest);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new RpcError(ErrorCode.InvalidArgument, `rpc: invalid address ${JSON.stringify(address)}; want host:port`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port, path, secure };
}
