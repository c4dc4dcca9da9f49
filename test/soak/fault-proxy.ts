/**
 * FaultProxy is a loopback TCP relay between the soak's clients and the
 * server process. Every client connection gets its own pair of sockets, so
 * the soak can cut a connection in the middle of calls the way a server
 * crash or a network reset would: `cut()` resets both legs at once
 * (the client sees ECONNRESET or EOF, the server an abrupt disconnect).
 */
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

interface Pair {
  readonly down: Socket;
  readonly up: Socket;
}

/** FaultProxy relays 127.0.0.1:<port> to a target and can cut any relayed connection. */
export class FaultProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private readonly targetHost: string;
  private readonly targetPort: number;
  /** Connections cut by {@link cutRandom}. */
  cuts = 0;

  /** `target` is `host:port` of the real server. */
  constructor(target: string) {
    const i = target.lastIndexOf(':');
    this.targetHost = target.slice(0, i);
    this.targetPort = Number(target.slice(i + 1));
    this.server = net.createServer((down) => this.relay(down));
  }

  /** listen binds a free port on 127.0.0.1 and resolves with `host:port`. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as AddressInfo;
        resolve(`127.0.0.1:${port}`);
      });
    });
  }

  /** open is the number of relayed connections alive now. */
  get open(): number {
    return this.pairs.size;
  }

  private relay(down: Socket): void {
    const up = net.connect(this.targetPort, this.targetHost);
    const pair: Pair = { down, up };
    this.pairs.add(pair);
    const end = (): void => {
      if (!this.pairs.delete(pair)) return;
      down.destroy();
      up.destroy();
    };
    for (const s of [down, up]) {
      s.setNoDelay(true);
      s.on('error', end);
      s.on('close', end);
    }
    down.pipe(up);
    up.pipe(down);
  }

  /** cutRandom resets one relayed connection chosen with `pick` (a number in [0, 1)); false when none is open. */
  cutRandom(pick: number): boolean {
    const all = [...this.pairs];
    const pair = all[Math.floor(pick * all.length)];
    if (pair === undefined) return false;
    this.pairs.delete(pair);
    this.cuts++;
    pair.down.resetAndDestroy();
    pair.up.resetAndDestroy();
    return true;
  }

  /** close stops listening and destroys every relayed connection. */
  close(): Promise<void> {
    for (const { down, up } of this.pairs) {
      down.destroy();
      up.destroy();
    }
    this.pairs.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
