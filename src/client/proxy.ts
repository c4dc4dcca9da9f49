import net from 'node:net';
import type { Endpoint } from './address.js';

/** isLoopback reports whether a host is localhost or a loopback address. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  return h === '::1';
}

/**
 * proxyFor picks the HTTP forward proxy for a dial, like curl and most
 * HTTP clients: an explicit `proxy` option wins (false: none); otherwise
 * HTTPS_PROXY (for https:// endpoints) or HTTP_PROXY (lower-case names too)
 * from the environment, unless NO_PROXY lists the host (exact names,
 * `.suffix` or `suffix` domain matches, `host:port`, or `*` for all).
 * As in Go's net/http, the environment never sends localhost or loopback
 * addresses through a proxy (an explicit option still does).
 * Returns the proxy URL, or undefined for a direct connection.
 */
export function proxyFor(endpoint: Endpoint, option: string | false | undefined, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  if (option === false) return undefined;
  let raw = option;
  if (raw === undefined) {
    if (isLoopback(endpoint.host) || bypassed(endpoint, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
    raw = endpoint.secure ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  }
  if (!raw) return undefined;
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
}

function bypassed(endpoint: Endpoint, noProxy: string): boolean {
  const host = endpoint.host.toLowerCase();
  for (const entry of noProxy.split(/[\s,]+/).filter(Boolean)) {
    const e = entry.toLowerCase();
    if (e === '*') return true;
    const [name, port] = e.startsWith('[') ? [e.slice(1, e.indexOf(']')), e.split(']:')[1]] : (e.split(':') as [string, string | undefined]);
    if (port !== undefined && Number(port) !== endpoint.port) continue;
    const bare = name!.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/**
 * proxyConnectHead is the request asking a forward proxy for a tunnel to
 * the endpoint, with Basic credentials when the proxy URL carries them.
 */
export function proxyConnectHead(endpoint: Endpoint, proxy: URL): string {
  const target = endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
  let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    head += `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
  }
  return `${head}\r\n`;
}
