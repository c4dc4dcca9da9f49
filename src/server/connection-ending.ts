import type { Duplex } from 'node:stream';
import { afterTwoPolls } from './after-poll.js';
import type { GoawayReason } from '../goaway.js';

/**
 * DRAIN_QUIET_MS: a draining connection ends once it has had no running
 * call and no new bytes for this long. Calls its peer sent before the
 * drain refusal reached it are still read and refused (never run) instead
 * of being cut off by the end of the connection, where the peer could not
 * tell whether they ran.
 */
export const DRAIN_QUIET_MS = 250;

/** EndingState is what {@link ConnectionEnding} reads of its connection, asked afresh each time. */
export interface EndingState {
  /** The socket has closed. */
  isClosed(): boolean;
  /** Calls whose handler has not finished. */
  running(): number;
  /** The peer finished sending. */
  readEnded(): boolean;
  /** Chunks the socket delivered so far; a change means bytes came. */
  chunksRead(): number;
  /** flushReplies writes the replies queued for this tick now. */
  flushReplies(): void;
  /** goAway tells the peer, if it can be told, that the connection is ending (see src/goaway.ts). */
  goAway(reason: GoawayReason): void;
}

/** EndingLimits are the connection settings that decide when it ends on its own. */
export interface EndingLimits {
  /** Time without traffic and without running calls after which the connection closes; 0 for none. */
  readonly idleTimeoutMs: number;
  /** Time the connection waits for the peer to close after ending it (once the replies are out). */
  readonly lingerMs: number;
  /** Age (±10 %) past which the connection refuses new calls and ends once quiet; 0 for none. */
  readonly maxConnectionAgeMs?: number;
}

function retireConnection(ending: ConnectionEnding): void {
  ending.retire();
}

function endIfQuiet(ending: ConnectionEnding, chunksRead: number): void {
  ending.endIfQuiet(chunksRead);
}

function destroyLingering(ending: ConnectionEnding): void {
  ending.socket.destroy();
}

/**
 * ConnectionEnding decides when a server connection ends without being
 * told to by its peer: after an idle timeout, once a draining (or retired,
 * past maxConnectionAgeMs) connection has been quiet for DRAIN_QUIET_MS,
 * and lingerMs after the server ended its side if the peer has not closed.
 * Every end goes through {@link ConnectionEnding.endWhenFlushed}, so queued
 * replies go out first. Call dispose() when the socket closes.
 */
export class ConnectionEnding {
  /** Set once the connection outlived maxConnectionAgeMs: it refuses new calls like a draining server. */
  retiring = false;
  /** Ends a draining connection once it has been quiet for DRAIN_QUIET_MS. */
  private quietTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  /** Destroys the socket lingerMs after the server ended it, if the peer has not closed by then. */
  private lingerTimer: NodeJS.Timeout | undefined;

  /** It starts the age timer and the socket's idle timeout at once. */
  constructor(readonly socket: Duplex, private readonly limits: EndingLimits, private readonly state: EndingState) {
    this.onFinish = this.onFinish.bind(this);
    const age = limits.maxConnectionAgeMs ?? 0;
    if (age > 0) this.ageTimer = setTimeout(retireConnection, age * (0.9 + Math.random() / 5), this).unref();
    const timed = socket as Duplex & { setTimeout?: (ms: number, cb?: () => void) => void };
    if (limits.idleTimeoutMs > 0 && typeof timed.setTimeout === 'function') {
      timed.setTimeout(limits.idleTimeoutMs);
      socket.on('timeout', () => this.onIdle());
    }
  }

  /**
   * drain is called when the server starts shutting down: the peer is
   * told to go away when it can be, and the connection ends once it has no
   * running call and has been quiet for DRAIN_QUIET_MS (calls arriving
   * meanwhile are refused with the drain refusal, see GoawayNotice for
   * those that crossed the notice).
   */
  drain(reason: GoawayReason = 'draining'): void {
    this.state.goAway(reason);
    if (this.state.running() === 0) this.endWhenQuiet();
  }

  /** @internal retire: the connection is past maxConnectionAgeMs; it drains on its own. */
  retire(): void {
    this.retiring = true;
    this.drain('max-age');
  }

  /** endWhenQuiet (re)starts the quiet period; a closed or half-closed connection ends once flushed instead. */
  endWhenQuiet(): void {
    if (this.state.isClosed() || this.state.readEnded()) return this.endWhenFlushed();
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(endIfQuiet, DRAIN_QUIET_MS, this, this.state.chunksRead()).unref();
  }

  /** @internal endIfQuiet ends the connection unless bytes came or a call runs since the quiet timer was set. */
  endIfQuiet(chunksRead: number): void {
    if (this.state.isClosed() || this.state.running() > 0) return;
    if (this.state.chunksRead() !== chunksRead) return this.endWhenQuiet();
    this.endWhenFlushed();
  }

  /**
   * endWhenFlushed ends the socket once the replies are out. Replies the
   * peer does not take are bounded by sendTimeoutMs; once they are out, the
   * peer has lingerMs to close before the socket is destroyed.
   */
  endWhenFlushed(): void {
    if (this.state.isClosed()) return;
    this.state.flushReplies();
    if (this.socket.writableEnded) return;
    this.socket.once('finish', this.onFinish);
    this.socket.end();
  }

  /** dispose stops every timer; the socket has closed. */
  dispose(): void {
    clearTimeout(this.lingerTimer);
    clearTimeout(this.quietTimer);
    clearTimeout(this.ageTimer);
  }

  private onFinish(): void {
    if (!this.state.isClosed()) this.lingerTimer = setTimeout(destroyLingering, this.limits.lingerMs, this).unref();
  }

  /**
   * onIdle: no traffic for idleTimeoutMs; close unless calls are still
   * running. After the event loop was held up, the timer runs before what
   * the peer sent meanwhile is read, so the decision waits until it has been
   * (after-poll.ts) and stands only if nothing came.
   */
  private onIdle(): void {
    const chunksRead = this.state.chunksRead();
    afterTwoPolls(() => {
      if (!this.state.isClosed() && this.state.running() === 0 && this.state.chunksRead() === chunksRead) this.endWhenFlushed();
    });
  }
}
