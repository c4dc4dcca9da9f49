import { afterTwoPolls } from './after-poll.js';
import type { AfterPoll } from './after-poll.js';

function checkMessage(deadline: MessageDeadline): void {
  deadline.check();
}

/**
 * MessageDeadline gives a started message `timeoutMs` (from its first
 * byte, or from the last completed message) to complete, so a peer
 * trickling one byte at a time cannot hold a connection forever. One timer
 * serves the whole connection: it is re-armed for the time left rather
 * than replaced on every chunk.
 *
 * The clock runs only while the connection reads (`isReading`): bytes held
 * back by backpressure (complete messages waiting for a slot, or a message
 * whose rest cannot arrive while the socket is paused) are not a slow
 * message, and the clock starts afresh when reading resumes.
 */
export class MessageDeadline {
  private readonly timeoutMs: number;
  private readonly isReading: () => boolean;
  private readonly onExpire: () => void;
  private timer: NodeJS.Timeout | undefined;
  /** The expiry waiting for the poll phase, if any (see check). */
  private pending: AfterPoll | undefined;
  /** performance.now() when the buffered partial message started (or the last message completed); 0 when none. */
  private since = 0;

  constructor(timeoutMs: number, isReading: () => boolean, onExpire: () => void) {
    this.timeoutMs = timeoutMs;
    this.isReading = isReading;
    this.onExpire = onExpire;
  }

  /**
   * watch is told, after each chunk was processed, how many bytes are
   * buffered for an incomplete message and whether a message completed.
   */
  watch(bufferedBytes: number, frameCompleted: boolean): void {
    if (bufferedBytes === 0 || !this.isReading()) {
      this.since = 0;
      return;
    }
    if (frameCompleted || this.since === 0) this.since = performance.now();
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /** @internal check runs when the timer fires. */
  check(): void {
    this.timer = undefined;
    if (this.since === 0) return;
    if (!this.isReading()) {
      this.since = 0;
      return;
    }
    const left = this.timeoutMs - (performance.now() - this.since);
    if (left > 0) return this.arm(left);
    // After the event loop was held up, timers run before the bytes that
    // arrived meanwhile are read: decide once they have been (after-poll.ts).
    const since = this.since;
    this.pending = afterTwoPolls(() => {
      this.pending = undefined;
      if (this.since === since) this.onExpire();
    });
  }

  /** dispose stops the timer; call it when the connection closes. */
  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.timer = undefined;
    this.pending = undefined;
    this.since = 0;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(checkMessage, ms, this);
    this.timer.unref();
  }
}
