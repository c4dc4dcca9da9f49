import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { joinHostPort } from '../host-port.js';

/** peerAddress is the socket's remote `host:port` (`[v6]:port` for IPv6), or undefined when unknown. */
export function peerAddress(socket: Duplex): string | undefined {
  const s = socket as Partial<Socket>;
  if (!s.remoteAddress) return undefined;
  return joinHostPort(s.remoteAddress, s.remotePort);
}

/** localAddress is the socket's local `host:port` (`[v6]:port` for IPv6), or undefined when it is not a network socket. */
export function localAddress(socket: Duplex): string | undefined {
  const s = socket as Partial<Socket>;
  if (!s.localAddress) return undefined;
  return joinHostPort(s.localAddress, s.localPort);
}
