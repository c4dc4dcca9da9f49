/** HostPort is an address split into its host (brackets of an IPv6 literal removed) and port. */
export interface HostPort {
  readonly host: string;
  /** Undefined when the address has no port (a Unix socket path, a bare name). */
  readonly port: number | undefined;
}

/**
 * splitHostPort splits `host:port`, `[v6]:port`, `tcp://host:port`,
 * `tls://host:port` or `http(s)://host:port/path` into host and port; a
 * `unix:/path` address is its path with no port. Undefined in, undefined out.
 */
export function splitHostPort(address: string | undefined): HostPort | undefined {
  if (address === undefined || address === '') return undefined;
  if (address.startsWith('unix:')) return { host: address.slice(5), port: undefined };
  let rest = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  const m = /^\[([^\]]*)\](?::(\d+))?$/.exec(rest) ?? /^([^:]*)(?::(\d+))?$/.exec(rest);
  if (!m) return { host: rest, port: undefined };
  return { host: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]) };
}

/** joinHostPort writes `host:port`, bracketing an IPv6 host: `[::1]:80`. */
export function joinHostPort(host: string, port: number | undefined): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
