import { afterTwoPolls } from './after-poll.js';
import type { AfterPoll } from './after-poll.js';
import { timerDelay } from '../timer-delay.js';

/** SilenceState is what {@link PeerSilence} reads of its connection, asked afresh each time. */
export interface SilenceState {
  /** Chunks the socket delivered so far; a change means the peer sent bytes. */
  chunksRead(): number;
  /** The connection is reading now (not held back by its own backpressure, which would stop the peer's bytes, not the peer). */
  reading(): boolean;
  /** The peer is taken for dead: end the connection. */
  dead(): void;
}

/** MIN_SILENCE_MS is the shortest silence a peer's announcement can make the server act on. */
export const MIN_SILENCE_MS = 500;

/** MIN_LOOK_MS bounds how often a connection looks whether bytes came, so a peer announcing tiny numbers costs no more than this. */
const MIN_LOOK_MS = 125;

function check(silence: PeerSilence): void {
  silence.check();
}

/**
 * PeerSilence frees a connection whose peer promised keepalive pings (see
 * src/keepalive-wire.ts) and then sent nothing for `limitMs` (at least
 * MIN_SILENCE_MS): a frozen (SIGSTOPped) or vanished client, whose kernel
 * may still answer TCP keepalive probes. It looks every quarter of the
 * limit whether bytes came, so it fires between limitMs and 1.25 × limitMs
 * of silence; time while the connection holds its own reading back does
 * not count. After
 * the event loop was held up the verdict waits until the bytes that came
 * meanwhile have been read (after-poll.ts). Its timer never keeps the
 * process alive; call dispose() when the socket closes.
 */
export class PeerSilence {
  private timer: NodeJS.Timeout | undefined;
  private confirming: AfterPoll | undefined;
  private seen: number;
  private lastHeard = performance.now();
  /** The silence it acts on, in ms. */
  readonly limitMs: number;

  constructor(
    limitMs: number,
    private readonly state: SilenceState,
  ) {
    this.limitMs = Math.max(MIN_SILENCE_MS, timerDelay(limitMs));
    this.seen = state.chunksRead();
    this.timer = setInterval(check, Math.max(MIN_LOOK_MS, this.limitMs / 4), this).unref();
  }

  /** @internal check runs on every tick of the timer. */
  check(): void {
    if (this.heard() || performance.now() - this.lastHeard < this.limitMs || this.confirming) return;
    const chunks = this.state.chunksRead();
    this.confirming = afterTwoPolls(() => {
      this.confirming = undefined;
      if (this.state.chunksRead() === chunks && this.timer !== undefined) this.state.dead();
      else this.heard();
    });
  }

  /** dispose stops watching. */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.confirming?.cancel();
  }

  /** heard notes bytes (or a paused read) since the last look, and says whether there were any. */
  private heard(): boolean {
    const chunks = this.state.chunksRead();
    if (chunks === this.seen && this.state.reading()) return false;
    this.seen = chunks;
    this.lastHeard = performance.now();
    return true;
  }
}
