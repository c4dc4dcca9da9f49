/**
 * Sockets the front hands to its HTTP server (405, the debug page, routes
 * added with addHttpRoute). That server never listens, so Node's own
 * header and request timers never run for them: the front counts these
 * sockets against maxConnections and bounds them itself, whatever the
 * peer does after its first request (a slow follow-up head, a trickled
 * body, a route that never answers, never reading the answer).
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { HandshakeError } from '../../src/errors.js';
import { rejection } from '../helpers.js';
import { startHostileServer, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { connectPeer, endPeers, idleCounts, openFds, waitForCounts, waitUntil } from './sockets.js';
import type { Peer } from './sockets.js';
import { trickle } from '../support/trickle.js';

const HANDSHAKE_MS = 300;
let h: HostileServer | undefined;
let peers: Peer[] = [];
const held: ServerResponse[] = [];

afterEach(async () => {
  endPeers(peers);
  peers = [];
  held.splice(0);
  await h?.close();
  h = undefined;
});

async function startServer(maxConnections = 100): Promise<HostileServer> {
  h = await startHostileServer({ handshakeTimeoutMs: HANDSHAKE_MS, maxConnections, lingerMs: 100 });
  h.server.addHttpRoute((req, res) => {
    if (req.url !== '/hold') return false;
    held.push(res); // never answered
    return true;
  });
  return h;
}

const GET = 'GET /debug/rpc?format=json HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';

interface HttpBehaviour {
  readonly name: string;
  readonly reads?: false;
  start(peer: Peer): Promise<void> | void;
}

const BEHAVIOURS: readonly HttpBehaviour[] = [
  {
    name: 'gets the debug page, then sends a follow-up head a byte every 100 ms',
    start: async (p) => {
      p.socket.write(GET);
      await p.answered((b) => b.includes('"services"'));
      trickle(p.socket, `GET /debug/rpc HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(50)}\r\n`, 100);
    },
  },
  {
    name: 'gets a 405 with keep-alive, then stays silent',
    start: async (p) => {
      p.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      await p.answered((b) => b.includes('405 must CONNECT'));
    },
  },
  {
    name: 'sends a POST whose body trickles a byte every 100 ms',
    start: (p) => {
      p.socket.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
      trickle(p.socket, 'b'.repeat(100_000), 100);
    },
  },
  { name: 'asks for a route that never answers', start: (p) => void p.socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n') },
  { name: 'asks for the debug page and never reads', reads: false, start: (p) => void p.socket.write(GET) },
  {
    name: 'gets a 405, then keeps writing junk',
    start: async (p) => {
      p.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await p.answered((b) => b.includes('405 must CONNECT'));
      trickle(p.socket, 'j'.repeat(10_000), 20);
    },
  },
];

describe('HTTP fallback deadlines', () => {
  it.each(BEHAVIOURS)('a peer that $name is closed within the deadline, though it stays', async (behaviour) => {
    const server = await startServer();
    await withCanary(server.address, async () => {
      const base = openFds();
      for (let i = 0; i < 3; i++) {
        const p = await connectPeer(server.port, behaviour.reads !== false);
        peers.push(p);
        await behaviour.start(p);
      }
      await waitUntil(() => openFds() <= base + peers.length, HANDSHAKE_MS + 3000, () => `the server still holds ${openFds() - base - peers.length} of ${peers.length} HTTP sockets`);
      endPeers(peers);
      await waitUntil(() => openFds() <= base, 3000, () => `${openFds() - base} descriptors over the baseline`);
      await waitForCounts(server.server, idleCounts(1));
    });
  });
});

describe('HTTP fallback and maxConnections', () => {
  it('HTTP sockets take slots: with the slots held by pending HTTP requests a CONNECT gets 503, then is served once they time out', async () => {
    const server = await startServer(3);
    await withCanary(server.address, async () => {
      for (let i = 0; i < 2; i++) {
        const p = await connectPeer(server.port);
        peers.push(p);
        p.socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n');
      }
      await waitUntil(() => held.length === 2, 2000, () => `${held.length} requests held`);
      const refused = await rejection<HandshakeError>(dialHTTP(server.address));
      expect(refused).toBeInstanceOf(HandshakeError);
      expect(refused.statusCode).toBe(503);
      expect(server.server.openSockets.http).toBe(2);
      await waitUntil(() => server.server.openSockets.http === 0, HANDSHAKE_MS + 3000, () => JSON.stringify(server.server.openSockets));
      await using good = await dialHTTP(server.address);
      expect(await good.call('Arith.Add', { A: 20, B: 22 })).toBe(42);
    });
  });
});
