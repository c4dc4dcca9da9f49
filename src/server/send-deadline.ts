import type { Duplex } from 'node:stream';
import { afterTwoPolls } from './after-poll.js';
import type { AfterPoll } from './after-poll.js';

function checkSend(deadline: SendDeadline): void {
  deadline.check();
}

/**
 * SendDeadline notices a peer that takes none of the bytes waiting for it
 * (its window is shut: it never reads). While bytes wait in the socket it
 * looks every quarter of `timeoutMs` whether any left since the last look;
 * once none has for `timeoutMs`, `onStall` runs. So a stall is acted on
 * between 1 and 1.5 × `timeoutMs` after the peer last took a byte, and no
 * timer runs while nothing waits. A `timeoutMs` of 0 turns it off.
 */
export class SendDeadline {
  private readonly socket: Duplex;
  private readonly timeoutMs: number;
  private readonly onStall: () => void;
  private timer: NodeJS.Timeout | undefined;
  /** A stall waiting for the poll phase to confirm it (see confirmStall). */
  private pending: AfterPoll | undefined;
  /** Bytes handed to the socket so far. */
  private handed = 0;
  /** Bytes the socket had passed on at the last look that saw progress. */
  private sentAtLook = 0;
  /** performance.now() at that look. */
  private progressAt = 0;

  constructor(socket: Duplex, timeoutMs: number, onStall: () => void) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.onStall = onStall;
  }

  /** wrote records that `bytes` were just handed to the socket. */
  wrote(bytes: number): void {
    this.handed += bytes;
    if (this.timer !== undefined || this.pending !== undefined || this.timeoutMs === 0 || this.socket.writableLength === 0) return;
    this.sentAtLook = this.sent();
    this.progressAt = performance.now();
    this.schedule();
  }

  /** @internal check looks at the bytes still waiting; see the class comment. */
  check(): void {
    this.timer = undefined;
    if (this.socket.destroyed || this.socket.writableLength === 0) return;
    const sent = this.sent();
    const now = performance.now();
    if (sent !== this.sentAtLook) {
      this.sentAtLook = sent;
      this.progressAt = now;
    } else if (now - this.progressAt >= this.timeoutMs) {
      return this.confirmStall(sent);
    }
    this.schedule();
  }

  /**
   * confirmStall acts on a stall once the loop has caught up (after-poll.ts):
   * after the event loop was held up, timers run before the socket learns
   * that the peer took its bytes, and that is not a peer that stopped reading.
   */
  private confirmStall(sent: number): void {
    this.pending = afterTwoPolls(() => {
      this.pending = undefined;
      if (this.socket.destroyed || this.socket.writableLength === 0) return;
      if (this.sent() === sent) return this.onStall();
      this.sentAtLook = this.sent();
      this.progressAt = performance.now();
      this.schedule();
    });
  }

  /** dispose stops looking; call it when the socket closes. */
  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.timer = undefined;
    this.pending = undefined;
  }

  /** sent is how many of the handed bytes the socket has passed on (it only grows). */
  private sent(): number {
    return this.handed - this.socket.writableLength;
  }

  private schedule(): void {
    this.timer = setTimeout(checkSend, Math.max(1, this.timeoutMs / 4), this);
    this.timer.unref();
  }
}
