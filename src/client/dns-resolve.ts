import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { ErrorCode, RpcError } from '../errors.js';
import type { DnsTarget } from './dns-target.js';

/** ResolvedAddress is one `host:port` to dial, and the DNS name it came from (for TLS). */
export interface ResolvedAddress {
  readonly address: string;
  readonly hostname: string;
}

/** Resolution is the outcome of one successful lookup of a DnsTarget. */
export interface Resolution {
  /** Distinct addresses, in the order the records gave them. */
  readonly addresses: readonly ResolvedAddress[];
  /** The shortest TTL of the address records, in ms, or undefined when the resolver gave none. */
  readonly ttlMs: number | undefined;
}

/** Time one DNS query may take before it is tried again, in ms, and the tries per query. */
const QUERY_TIMEOUT_MS = 2000;
const QUERY_TRIES = 2;

function joinHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function newResolver(server: string | undefined): Resolver {
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
  if (server !== undefined) resolver.setServers([server]);
  return resolver;
}

interface HostAddresses {
  readonly ips: string[];
  readonly ttl: number | undefined;
}

/** lookupHost asks for A and AAAA records; it fails only when neither query gave an address. */
async function lookupHost(resolver: Resolver, name: string): Promise<HostAddresses> {
  if (net.isIP(name) !== 0) return { ips: [name], ttl: undefined };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name, { ttl: true }), resolver.resolve6(name, { ttl: true })]);
  const records = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (records.length === 0) {
    const reason = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
    const code = (reason as { code?: string } | undefined)?.code ?? 'ENODATA';
    throw new RpcError(ErrorCode.Connect, `rpc: cannot resolve ${name}: ${code}`, { cause: reason, unsent: true });
  }
  return { ips: records.map((r) => r.address), ttl: Math.min(...records.map((r) => r.ttl)) };
}

/**
 * resolveTarget looks a DnsTarget up once. It rejects with RpcError
 * (RPC_CONNECT) when the name has no usable records or the server does not
 * answer; the caller keeps its last good list then.
 */
export async function resolveTarget(target: DnsTarget): Promise<Resolution> {
  const resolver = newResolver(target.server);
  try {
    const hosts: { name: string; port: number }[] = [];
    if (target.kind === 'host') {
      hosts.push({ name: target.name, port: target.port! });
    } else {
      let records;
      try {
        records = await resolver.resolveSrv(target.name);
      } catch (err) {
        throw new RpcError(ErrorCode.Connect, `rpc: cannot resolve SRV ${target.name}: ${(err as { code?: string }).code ?? String(err)}`, { cause: err, unsent: true });
      }
      records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      for (const r of records) hosts.push({ name: r.name, port: r.port });
    }
    const looked = await Promise.allSettled(hosts.map((h) => lookupHost(resolver, h.name)));
    const seen = new Set<string>();
    const addresses: ResolvedAddress[] = [];
    let ttl: number | undefined;
    looked.forEach((result, i) => {
      if (result.status !== 'fulfilled') return;
      const host = hosts[i]!;
      if (result.value.ttl !== undefined) ttl = Math.min(ttl ?? Infinity, result.value.ttl);
      for (const ip of result.value.ips) {
        const address = joinHostPort(ip, host.port);
        if (seen.has(address)) continue;
        seen.add(address);
        addresses.push({ address, hostname: host.name });
      }
    });
    if (addresses.length === 0) {
      const first = looked.find((r) => r.status === 'rejected');
      if (first) throw first.reason;
      throw new RpcError(ErrorCode.Connect, `rpc: ${target.text} has no SRV records`, { unsent: true });
    }
    return { addresses, ttlMs: ttl === undefined ? undefined : ttl * 1000 };
  } finally {
    resolver.cancel();
  }
}
