/**
 * Every way the front refuses a request (400, 404, 415, 431, 401, 403, a
 * hook that throws or answers late, 503, and the 404 of an attached
 * http.Server), crossed with everything a peer can do once it has the
 * answer: write one more byte and stay or leave, half-close, stay silent,
 * never read, keep writing. Whatever the peer does, the server gives back
 * its socket and its maxConnections slot within `lingerMs`, a good client
 * is served meanwhile (a canary) and afterwards, and every count returns
 * to zero once the peers leave.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import type { DialOptions } from '../../src/client/dial-http.js';
import { bearerToken } from '../../src/server/authorize.js';
import type { ServerOptions } from '../../src/server/options.js';
import { startHostileServer, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { connectPeer, endPeers, idleCounts, openFds, PEER_BEHAVIOURS, waitForCounts, waitUntil } from './sockets.js';

const LINGER_MS = 100;
/** Refused peers per case; the server has exactly enough slots for them and the canary. */
const PEERS = 3;
const CONNECT = 'CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: msgpack\r\n';

interface RefusalCase {
  readonly name: string;
  readonly status: number;
  readonly head: string;
  readonly options?: ServerOptions;
  /** The server is full: every slot but the canary's is taken by a client that stays. */
  readonly full?: boolean;
  /** The server serves CONNECT through an http.Server of its own (Server.attach). */
  readonly attached?: boolean;
  /** How good clients (the canary among them) dial this server. */
  readonly dial?: DialOptions;
}

const token = bearerToken('s3cret');
const withToken: DialOptions = { token: 's3cret' };
/** Refuses what the refused peers send (they mark their requests), lets good clients in. */
const refuseMarked = (refusal: boolean | Promise<boolean>) => (req: { headers: Readonly<Record<string, string>> }) =>
  req.headers['x-attack'] === undefined ? true : refusal;
const REFUSALS: readonly RefusalCase[] = [
  { name: 'a malformed head (400)', status: 400, head: 'THIS IS NOT HTTP\r\n\r\n' },
  { name: 'CONNECT to another path (404)', status: 404, head: 'CONNECT /elsewhere HTTP/1.0\r\n\r\n' },
  { name: 'an unknown codec (415)', status: 415, head: 'CONNECT /_goRPC_ HTTP/1.0\r\nRpc-Codec: protobuf\r\n\r\n' },
  { name: 'a head over the limit (431)', status: 431, head: `${CONNECT}X-Junk: ${'a'.repeat(17 * 1024)}\r\n\r\n` },
  { name: 'no token (401)', status: 401, head: `${CONNECT}\r\n`, options: { authorize: token }, dial: withToken },
  { name: 'a wrong token (403)', status: 403, head: `${CONNECT}Authorization: Bearer guess\r\n\r\n`, options: { authorize: token }, dial: withToken },
  {
    name: 'a hook that refuses later (403)',
    status: 403,
    head: `${CONNECT}Authorization: Bearer x\r\nX-Attack: 1\r\n\r\n`,
    options: { authorize: (req) => refuseMarked(sleep(5).then(() => false))(req) },
  },
  {
    name: 'a hook that throws (403)',
    status: 403,
    head: `${CONNECT}X-Attack: 1\r\n\r\n`,
    options: {
      authorize: (req) => {
        if (req.headers['x-attack'] !== undefined) throw new Error('hook failed');
        return true;
      },
    },
  },
  { name: 'too many connections (503)', status: 503, head: `${CONNECT}\r\n`, full: true },
  { name: 'CONNECT to another path on an attached http.Server (404)', status: 404, head: 'CONNECT /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n', attached: true },
];

/** Target is where the refusals are sent, and what is left open there by design. */
interface Target {
  readonly port: number;
  readonly hostile: HostileServer;
  /** Clients that take slots on purpose (to make the server full). */
  readonly fillers: Client[];
  close(): Promise<void>;
}

async function startTarget(refusal: RefusalCase): Promise<Target> {
  const options: ServerOptions = { maxConnections: 1 + PEERS, handshakeTimeoutMs: 10_000, lingerMs: LINGER_MS, ...refusal.options };
  const hostile = await startHostileServer(options);
  const fillers: Client[] = [];
  if (refusal.full) for (let i = 0; i < PEERS; i++) fillers.push(await dialHTTP(hostile.address, refusal.dial));
  if (!refusal.attached) {
    return { port: hostile.port, hostile, fillers, close: () => Promise.all(fillers.map((c) => c.close())).then(() => hostile.close()) };
  }
  const web = http.createServer();
  hostile.server.attach(web);
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  return {
    port: (web.address() as AddressInfo).port,
    hostile,
    fillers,
    async close() {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
      await hostile.close();
    },
  };
}

function answerHead(b: Buffer): boolean {
  return b.includes('\r\n\r\n');
}

describe.each(REFUSALS)('$name', (refusal) => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget(refusal);
  });
  afterAll(() => target.close());

  it.each(PEER_BEHAVIOURS)('a peer that $name: the server frees its socket and slot, whatever the peer does', async (behaviour) => {
    const { hostile } = target;
    // The last case's canary has left the server (its slot is needed when the server is full).
    await waitUntil(() => hostile.server.connectionCount === target.fillers.length, 2000, () => `${hostile.server.connectionCount} connections`);
    await withCanary(
      hostile.address,
      async () => {
        const base = openFds();
        const peers = await Promise.all(Array.from({ length: PEERS }, () => connectPeer(target.port, !behaviour.readsNothing)));
        for (const p of peers) p.socket.write(refusal.head);
        if (!behaviour.readsNothing) {
          for (const p of peers) expect((await p.answered(answerHead)).toString('latin1')).toMatch(new RegExp(`^HTTP/1\\.1 ${refusal.status} `));
        }
        for (const p of peers) behaviour.act(p);
        // The peers' own sockets stay open in this process until they leave; the server's side must go.
        const left = behaviour.leaves ? 0 : PEERS;
        await waitUntil(() => openFds() <= base + left, 5000, () => `the server still holds ${openFds() - base - left} sockets of ${PEERS} refused peers`);
        // A socket's descriptor goes before its 'close' event; the server's count follows.
        await waitUntil(() => hostile.server.openSockets.total === 1 + target.fillers.length, 1000, () => JSON.stringify(hostile.server.openSockets));
        if (!refusal.full) {
          // Every slot the refused peers took is free again while they are still connected.
          await using good = await dialHTTP(hostile.address, { connectTimeout: 2000, ...refusal.dial });
          expect(await good.call('Arith.Add', { A: 1, B: 2 })).toBe(3);
        }
        endPeers(peers);
        await waitUntil(() => openFds() <= base, 5000, () => `${openFds() - base} descriptors over the baseline after the peers left`);
        await waitForCounts(hostile.server, idleCounts(1 + target.fillers.length));
      },
      'msgpack',
      refusal.dial,
    );
  });
});
