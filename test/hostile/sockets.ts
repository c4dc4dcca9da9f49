/**
 * Socket-level pieces of the hostile suite: what a peer does after the
 * server answered (or while it is waiting), the process's open file
 * descriptors, and polling for a condition with a deadline. The server runs
 * in the test process, so its sockets are this process's descriptors.
 */
import { readdirSync } from 'node:fs';
import net from 'node:net';
import type { Server } from '../../src/server/server.js';
import { waitFor } from '../support/wait-for.js';

/** openFds is the number of file descriptors this process has open. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * waitUntil polls `check` every 10 ms until it holds and resolves with how
 * long that took, or rejects after `ms` with `describe()` in the message.
 */
export async function waitUntil(check: () => boolean, ms: number, describe: () => string): Promise<number> {
  const t0 = performance.now();
  await waitFor(check, ms, { what: describe });
  return performance.now() - t0;
}

/** Peer is a raw client socket that stays open after the server ends its side (an attacker's choice). */
export interface Peer {
  readonly socket: net.Socket;
  /** Bytes received so far. */
  received(): Buffer;
  /** True once the socket closed. */
  readonly isClosed: boolean;
  /** answered resolves once `predicate(received)` holds, or rejects after `ms`. */
  answered(predicate: (b: Buffer) => boolean, ms?: number): Promise<Buffer>;
}

/**
 * connectPeer opens a loopback connection with allowHalfOpen, so the server's
 * FIN does not make it leave. `reading: false` never reads a byte.
 */
export function connectPeer(port: number, reading = true): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let data = Buffer.alloc(0);
    let closed = false;
    if (reading) socket.on('data', (c: Buffer) => (data = Buffer.concat([data, c])));
    else socket.pause();
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    const peer: Peer = {
      socket,
      received: () => data,
      get isClosed() {
        return closed;
      },
      async answered(predicate, ms = 3000) {
        await waitUntil(() => predicate(data) || closed, ms, () => `no answer; received ${JSON.stringify(data.toString('latin1').slice(0, 120))}`);
        if (!predicate(data)) throw new Error(`closed before answering; received ${JSON.stringify(data.toString('latin1').slice(0, 120))}`);
        return data;
      },
    };
    socket.once('connect', () => resolve(peer));
    socket.once('error', reject);
  });
}

/** PeerBehaviour is what a peer does once it has the server's answer; `stop` ends any ongoing activity. */
export interface PeerBehaviour {
  readonly name: string;
  /** Never reads: the peer is connected with reading off and does not wait for the answer. */
  readonly readsNothing?: boolean;
  /** The peer goes away by itself (the server may be freed without a deadline). */
  readonly leaves?: boolean;
  act(peer: Peer): void;
}

const keepWriting = new WeakMap<net.Socket, NodeJS.Timeout>();

/** PEER_BEHAVIOURS are the ways a peer can act after a refusal or an answer. */
export const PEER_BEHAVIOURS: readonly PeerBehaviour[] = [
  { name: 'writes one more byte and stays', act: (p) => void p.socket.write('x') },
  { name: 'writes one more byte and leaves', leaves: true, act: (p) => void p.socket.end('x') },
  { name: 'half-closes', leaves: true, act: (p) => void p.socket.end() },
  { name: 'stays silent', act: () => undefined },
  { name: 'reads nothing and stays', readsNothing: true, act: () => undefined },
  {
    name: 'keeps writing a byte every 20 ms',
    act: (p) => {
      const t = setInterval(() => (p.socket.destroyed || p.socket.writableEnded ? clearInterval(t) : p.socket.write('y')), 20);
      keepWriting.set(p.socket, t);
    },
  },
];

/** endPeers destroys the peers and stops anything they were still doing. */
export function endPeers(peers: readonly Peer[]): void {
  for (const p of peers) {
    clearInterval(keepWriting.get(p.socket));
    p.socket.destroy();
  }
}

/** idleCounts is what `server.openSockets` reads when only `rpc` RPC connections are open. */
export function idleCounts(rpc: number): Server['openSockets'] {
  return { tls: 0, head: 0, refused: 0, http: 0, rpc, total: rpc };
}

/**
 * waitForCounts waits until `server.openSockets` equals `expected` (a
 * socket's descriptor is closed before its 'close' event, which the counts
 * follow), and fails with the counts it saw.
 */
export async function waitForCounts(server: Server, expected: Server['openSockets'], ms = 2000): Promise<void> {
  const same = (): boolean => JSON.stringify(server.openSockets) === JSON.stringify(expected);
  await waitUntil(same, ms, () => `counts ${JSON.stringify(server.openSockets)}, expected ${JSON.stringify(expected)}`);
}
