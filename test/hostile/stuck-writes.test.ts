/**
 * Peers that never take their replies. Once replies are stuck (the peer's
 * window is shut), no timer may wait for them forever: the idle timeout's
 * end(), a half-close's end(), and a connection that keeps sending but
 * never reads must all be closed once the peer has taken nothing for
 * `sendTimeoutMs` (by default the idle timeout when one is set). Every
 * codec, every way of getting stuck, with the idle timeout and without.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CANCEL_METHOD } from '../../src/codec/cancel.js';
import type { ServerOptions } from '../../src/server/options.js';
import { CODECS, connectHead, encodeCalls, MIB, startHostileServer, withCanary } from './harness.js';
import type { CodecName, HostileServer } from './harness.js';
import { connectPeer, endPeers, idleCounts, openFds, waitForCounts, waitUntil } from './sockets.js';
import type { Peer } from './sockets.js';

const DEADLINE_MS = 300;

/** 64 replies of 512 KiB: 32 MiB, far more than loopback's socket buffers take for a peer that never reads. */
const REPLIES = 64;
const REPLY_BYTES = 512 * 1024;
let h: HostileServer | undefined;
let peers: Peer[] = [];

afterEach(async () => {
  endPeers(peers);
  peers = [];
  await h?.close();
  h = undefined;
});

const services = {
  Big: {
    /** Answers a moment later, so the server reads every request at once (none waits in its buffer). */
    MakeSoon: async (n: number) => {
      await sleep(1);
      return 'a'.repeat(n);
    },
    MakeLater: async (n: number) => {
      await sleep(DEADLINE_MS * 2);
      return 'b'.repeat(n);
    },
  },
};

/** bigCalls asks for 32 MiB of replies; with `later`, the last one comes after the idle time. */
function bigCalls(codec: CodecName, later = false): Buffer {
  return encodeCalls(
    codec,
    Array.from({ length: REPLIES }, (_, i) => [i + 1, later && i === REPLIES - 1 ? 'Big.MakeLater' : 'Big.MakeSoon', REPLY_BYTES] as const),
  );
}

interface StuckWay {
  readonly name: string;
  /** Sends what gets the peer stuck; `peer` never reads. */
  start(peer: Peer, codec: CodecName): void;
}

const WAYS: readonly StuckWay[] = [
  { name: 'asks for 32 MiB of replies and stays silent', start: (p, codec) => void p.socket.write(bigCalls(codec)) },
  { name: 'asks for 32 MiB of replies and half-closes', start: (p, codec) => void p.socket.end(bigCalls(codec)) },
  {
    name: 'asks for 32 MiB of replies, then keeps sending cancel notices for nothing',
    start: (p, codec) => {
      p.socket.write(bigCalls(codec));
      let seq = 1000;
      const t = setInterval(() => {
        if (p.socket.destroyed) return clearInterval(t);
        p.socket.write(encodeCalls(codec, [[seq++, CANCEL_METHOD, 999_999]]));
      }, DEADLINE_MS / 6);
    },
  },
  {
    name: 'has replies stuck and a handler still running when the idle time passes',
    start: (p, codec) => void p.socket.write(bigCalls(codec, true)),
  },
];

const CONFIGS: readonly { readonly name: string; readonly options: ServerOptions }[] = [
  { name: 'idleTimeoutMs', options: { idleTimeoutMs: DEADLINE_MS } },
  { name: 'sendTimeoutMs (no idle timeout)', options: { sendTimeoutMs: DEADLINE_MS } },
];

describe.each(CODECS)('%s', (codec) => {
  describe.each(CONFIGS)('with $name', ({ options }) => {
    it.each(WAYS)('a peer that never reads and $name is closed, and the server gives everything back', async (way) => {
      h = await startHostileServer({ maxWriteBufferBytes: MIB, lingerMs: 100, ...options }, services);
      const server = h;
      await withCanary(server.address, async () => {
        const base = openFds();
        const peer = await connectPeer(server.port, false);
        peers.push(peer);
        peer.socket.write(connectHead(codec));
        way.start(peer, codec);
        await waitUntil(() => server.server.connectionCount === 2, 2000, () => `connections: ${server.server.connectionCount}`);
        // The peer is still connected (its own socket counts here); the server's side must go.
        await waitUntil(() => openFds() <= base + 1, DEADLINE_MS * 4 + 3000, () => `the server still holds the stuck connection (${server.server.connectionCount} open)`);
        expect(peer.socket.destroyed).toBe(false);
        endPeers(peers);
        await waitUntil(() => openFds() <= base, 3000, () => `${openFds() - base} descriptors over the baseline`);
        await waitForCounts(server.server, idleCounts(1));
      });
    });
  });
});
