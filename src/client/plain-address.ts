import { ErrorCode, RpcError } from '../errors.js';
import { parseAddress } from './address.js';
import type { Endpoint } from './address.js';

/** PlainTarget is where a plain-TCP dial goes: a host and port (with TLS or not) or a Unix socket. */
export type PlainTarget = { readonly kind: 'tcp'; readonly endpoint: Endpoint; readonly tls: boolean } | { readonly kind: 'unix'; readonly path: string };

/**
 * parsePlainAddress accepts `host:port`, `[v6]:port`, `:port`,
 * `tcp://host:port`, `tls://host:port` (TLS) and `unix:/path` (also
 * `unix:///path` and `unix:relative/path`). Throws RpcError
 * (RPC_INVALID_ARGUMENT) for anything else, an `http(s)://` address
 * included: those name an HTTP CONNECT endpoint (dialHTTP).
 */
export function parsePlainAddress(address: string): PlainTarget {
  const text = address.trim();
  const unix = /^unix:(?:\/\/)?(.+)$/i.exec(text);
  if (unix) return { kind: 'unix', path: unix[1]! };
  if (/^https?:\/\//i.test(text)) {
    throw new RpcError(ErrorCode.InvalidArgument, `rpc: ${JSON.stringify(address)} is an HTTP address; dial plain TCP with host:port, tcp://, tls:// or unix:, or use dialHTTP`);
  }
  const scheme = /^(tcp|tls):\/\//i.exec(text);
  const rest = scheme ? text.slice(scheme[0].length) : text;
  const endpoint = parseAddress(rest.replace(/\/$/, ''));
  return { kind: 'tcp', endpoint, tls: scheme?.[1]!.toLowerCase() === 'tls' };
}

/** isPlainAddress reports whether an address names a plain-TCP endpoint explicitly (`tcp://`, `tls://`, `unix:`). */
export function isPlainAddress(address: string): boolean {
  return /^(?:tcp:\/\/|tls:\/\/|unix:)/i.test(address.trim());
}
