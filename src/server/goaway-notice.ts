import type { Encoded, ServerCodec } from '../codec/codec.js';
import { GOAWAY_NOTIFICATION } from '../goaway.js';
import type { GoawayReason } from '../goaway.js';

/**
 * GOAWAY_GRACE_MS: calls a connection reads this soon after its goaway
 * notice went out are served, not refused: the peer sent them before the
 * notice reached it. Later ones get the drain refusal (a peer that goes on
 * sending after the notice is not listening to it).
 */
export const GOAWAY_GRACE_MS = 1000;

/**
 * GoawayNotice is one server connection's drain signal (see src/goaway.ts):
 * whether its peer asked for it, and when it went out.
 */
export class GoawayNotice {
  /** performance.now() when the notice was encoded; undefined before. */
  private sentAt: number | undefined;

  /** `wanted`: the peer asked for it on its CONNECT; it is sent only if the codec can carry it too. */
  constructor(
    private readonly codec: ServerCodec,
    private readonly wanted: boolean,
  ) {}

  /** encode returns the notice to send, the first time only, and only to a peer that asked over a codec that can carry it. */
  encode(reason: GoawayReason): Encoded | undefined {
    if (!this.wanted || this.sentAt !== undefined || !this.codec.encodeNotification) return undefined;
    const bytes = this.codec.encodeNotification(GOAWAY_NOTIFICATION, [reason]);
    this.sentAt = performance.now();
    return bytes;
  }

  /** excuses reports whether a call read now is still served on a draining connection: its peer was told less than GOAWAY_GRACE_MS ago. */
  get excuses(): boolean {
    return this.sentAt !== undefined && performance.now() - this.sentAt < GOAWAY_GRACE_MS;
  }
}
