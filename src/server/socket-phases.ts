import type { Duplex } from 'node:stream';
import { timerDelay } from '../timer-delay.js';

/**
 * SocketPhase is what the front is doing with a socket it holds outside
 * an RPC connection: `tls` (its TLS handshake), `head` (reading the
 * request head, then asking the authorize hook), `refused` (answered with
 * an error, waiting for the peer to close), `overflow` (answered 503
 * because every slot was taken), `http` (a request handed to the HTTP
 * server: 405, the debug page).
 */
export type SocketPhase = 'tls' | 'head' | 'refused' | 'overflow' | 'http';

/** OpenSockets counts the sockets a server holds, by what it is doing with them. */
export interface OpenSockets {
  /** Sockets in their TLS handshake. */
  readonly tls: number;
  /** Sockets whose request head is being read or whose CONNECT waits for the authorize hook. */
  readonly head: number;
  /** Sockets answered with an error (including 503s), waiting for the peer to close. */
  readonly refused: number;
  /** Sockets serving a plain HTTP request (405, debug page, health). */
  readonly http: number;
  /** RPC connections. */
  readonly rpc: number;
  /** All of the above. */
  readonly total: number;
}

interface Held {
  phase: SocketPhase;
  timer: NodeJS.Timeout;
  /** performance.now() at which the phase's deadline passes. */
  deadline: number;
  readonly onClose: () => void;
}

function destroySocket(socket: Duplex): void {
  socket.destroy();
}

/**
 * SocketPhases holds every socket the front has taken but not handed to
 * an RPC connection, each in one phase with a deadline: when the deadline
 * passes the socket is destroyed, whatever the peer does. A socket leaves
 * when it closes or when `release` hands it on, so the counts are exact.
 */
export class SocketPhases {
  private readonly held = new Map<Duplex, Held>();
  private readonly counts: Record<SocketPhase, number> = { tls: 0, head: 0, refused: 0, overflow: 0, http: 0 };

  /**
   * enter puts `socket` in `phase`, to be destroyed `ms` from now unless it
   * moves on first; a socket already held changes phase and deadline. A
   * socket already destroyed is not held.
   */
  enter(socket: Duplex, phase: SocketPhase, ms: number): void {
    if (socket.destroyed) return this.release(socket);
    let held = this.held.get(socket);
    if (held) {
      this.counts[held.phase]--;
      clearTimeout(held.timer);
    } else {
      const onClose = (): void => this.release(socket);
      held = { phase, timer: undefined as unknown as NodeJS.Timeout, deadline: 0, onClose };
      this.held.set(socket, held);
      socket.once('close', onClose);
    }
    held.phase = phase;
    this.counts[phase]++;
    const delay = timerDelay(ms);
    held.deadline = performance.now() + delay;
    held.timer = setTimeout(destroySocket, delay, socket);
    held.timer.unref();
  }

  /** remaining is the time left before `socket`'s deadline, in ms (0 when it is not held). */
  remaining(socket: Duplex): number {
    const held = this.held.get(socket);
    return held ? Math.max(0, held.deadline - performance.now()) : 0;
  }

  /** release stops holding `socket` (its deadline no longer applies). */
  release(socket: Duplex): void {
    const held = this.held.get(socket);
    if (!held) return;
    this.held.delete(socket);
    this.counts[held.phase]--;
    clearTimeout(held.timer);
    socket.removeListener('close', held.onClose);
  }

  /** count is the number of sockets held in `phase`. */
  count(phase: SocketPhase): number {
    return this.counts[phase];
  }

  /** size is the number of sockets held in any phase. */
  get size(): number {
    return this.held.size;
  }

  /** destroyAll destroys every socket held. */
  destroyAll(): void {
    for (const socket of [...this.held.keys()]) socket.destroy();
  }
}
