import net from 'node:net';
import { ErrorCode, RpcError } from '../errors.js';

/**
 * DnsTarget is a pool address to resolve through DNS:
 * - `dns:///name:port`: the A and AAAA records of `name`, each dialed at `port`;
 * - `dns://SERVER:PORT/name:port`: the same, asking the DNS server at SERVER:PORT
 *   (gRPC's naming; `SERVER` alone means port 53);
 * - `dns+srv:///_service._proto.name` (or `dns+srv://SERVER:PORT/...`): the SRV
 *   records of that name, each target host resolved to its A/AAAA records
 *   and dialed at the record's port.
 */
export interface DnsTarget {
  /** The address as given, for messages. */
  readonly text: string;
  readonly kind: 'host' | 'srv';
  /** `host:port` of the DNS server to ask, or undefined for the system's. */
  readonly server: string | undefined;
  /** The name to look up. */
  readonly name: string;
  /** The port to dial (host form only). */
  readonly port: number | undefined;
}

/** isDnsTarget reports whether `address` uses the `dns:` or `dns+srv:` scheme. */
export function isDnsTarget(address: string): boolean {
  return /^dns(\+srv)?:/i.test(address.trim());
}

function invalid(address: string, why: string): RpcError {
  return new RpcError(
    ErrorCode.InvalidArgument,
    `rpc: invalid address ${JSON.stringify(address)}: ${why}; want dns:///name:port, dns://SERVER:PORT/name:port or dns+srv:///_service._tcp.name`,
  );
}

function parseServer(address: string, authority: string): string | undefined {
  if (authority === '') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(authority);
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] === undefined ? 53 : Number(m[3]);
  if (!host || net.isIP(host) === 0 || port < 1 || port > 65535) throw invalid(address, 'the DNS server must be an IP address with an optional port');
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** parseDnsTarget reads a `dns:` or `dns+srv:` address. Throws RpcError (RPC_INVALID_ARGUMENT). */
export function parseDnsTarget(address: string): DnsTarget {
  const text = address.trim();
  const m = /^(dns|dns\+srv):\/\/([^/]*)\/(.+)$/i.exec(text);
  if (!m) throw invalid(address, 'no name');
  const kind = m[1]!.toLowerCase() === 'dns' ? 'host' : 'srv';
  const server = parseServer(address, m[2]!);
  const rest = m[3]!;
  if (kind === 'srv') {
    if (!/^[A-Za-z0-9_.-]+$/.test(rest)) throw invalid(address, 'bad SRV name');
    return { text, kind, server, name: rest, port: undefined };
  }
  const hp = /^(?:\[([^\]]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(rest);
  const port = hp ? Number(hp[3]) : NaN;
  if (!hp || !(port >= 1 && port <= 65535)) throw invalid(address, 'the name needs a port');
  return { text, kind, server, name: hp[1] ?? hp[2]!, port };
}
