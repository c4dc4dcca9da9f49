import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** peerAddress is the socket's remote `host:port` (`[v6]:port` for IPv6), or undefined when unknown. */
export function peerAddress(socket: Duplex): string | undefined {
  const s = socket as Partial<Socket>;
  if (!s.remoteAddress) return undefined;
  return s.remoteAddress.includes(':') ? `[${s.remoteAddress}]:${s.remotePort}` : `${s.remoteAddress}:${s.remotePort}`;
}
