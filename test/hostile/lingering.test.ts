/**
 * Connections the server ends itself (the idle timeout, a shutdown) while
 * the peer never closes its side: the server's end() only half-closes, so
 * without a deadline the socket would stay forever. Once the replies are
 * out, the peer has `lingerMs` to close; then the socket is destroyed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CODECS, connectHead, encodeCalls, startHostileServer, withCanary } from './harness.js';
import type { HostileServer } from './harness.js';
import { connectPeer, endPeers, idleCounts, openFds, waitForCounts, waitUntil } from './sockets.js';
import type { Peer } from './sockets.js';

const IDLE_MS = 200;
const LINGER_MS = 100;
let h: HostileServer | undefined;
let peers: Peer[] = [];

afterEach(async () => {
  endPeers(peers);
  peers = [];
  await h?.close();
  h = undefined;
});

interface AfterFin {
  readonly name: string;
  readonly reading: boolean;
}

const AFTER_FIN: readonly AfterFin[] = [
  { name: 'reads its replies, then stays without closing', reading: true },
  { name: 'never reads, and stays', reading: false },
];

describe.each(CODECS)('%s', (codec) => {
  it.each(AFTER_FIN)('a peer idle past idleTimeoutMs that $name is destroyed lingerMs after the FIN', async ({ reading }) => {
    h = await startHostileServer({ idleTimeoutMs: IDLE_MS, lingerMs: LINGER_MS });
    const server = h;
    await withCanary(server.address, async () => {
      const base = openFds();
      for (let i = 0; i < 3; i++) {
        const p = await connectPeer(server.port, reading);
        peers.push(p);
        p.socket.write(Buffer.concat([Buffer.from(connectHead(codec)), encodeCalls(codec, [[1, 'Arith.Add', { A: 1, B: 2 }]])]));
      }
      await waitUntil(() => server.server.connectionCount === 4, 2000, () => `${server.server.connectionCount} connections`);
      // Idle, ended by the server, never closed by the peers: the server's side must still go.
      await waitUntil(() => openFds() <= base + peers.length, IDLE_MS + LINGER_MS + 3000, () => `the server still holds ${openFds() - base - peers.length} of ${peers.length} idle connections`);
      for (const p of peers) expect(p.socket.destroyed).toBe(false);
      endPeers(peers);
      await waitUntil(() => openFds() <= base, 3000, () => `${openFds() - base} descriptors over the baseline`);
      await waitForCounts(server.server, idleCounts(1));
    });
  });

  it('close(): connections whose peers never close are gone lingerMs after their FIN, not at the end of graceMs', async () => {
    h = await startHostileServer({ lingerMs: LINGER_MS, graceMs: 60_000 });
    const server = h;
    for (let i = 0; i < 3; i++) {
      const p = await connectPeer(server.port);
      peers.push(p);
      p.socket.write(connectHead(codec));
      await p.answered((b) => b.includes('\n\n'));
    }
    const closed = server.server.close();
    const settled = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(resolve, 5000, 'still waiting'))]);
    expect(settled).toBe('closed');
    for (const p of peers) expect(p.socket.destroyed).toBe(false);
  });
});
