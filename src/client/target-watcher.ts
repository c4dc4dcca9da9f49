import { ErrorCode, RpcError } from '../errors.js';
import { resolveTarget } from './dns-resolve.js';
import type { ResolvedAddress } from './dns-resolve.js';
import type { DnsTarget } from './dns-target.js';
import { timerDelay } from '../timer-delay.js';

/** MIN_RERESOLVE_MS is the shortest time between two lookups of one target (the floor for short TTLs and failure hints). */
export const MIN_RERESOLVE_MS = 1000;

/**
 * TargetWatcher keeps the address list of one DnsTarget current: it looks
 * the name up at start, again every `reresolveMs` or when the records' TTL
 * runs out if that is sooner (never more often than MIN_RERESOLVE_MS), and
 * soon after `resolveSoon()` (an endpoint failed). A failed lookup keeps
 * the last good list and is retried with backoff, up to `reresolveMs`.
 * `onUpdate` gets every successful list, changed or not.
 */
export class TargetWatcher {
  readonly target: DnsTarget;
  /** The last good list (empty before the first success). */
  addresses: readonly ResolvedAddress[] = [];
  /** Why the last lookup failed, cleared by a success. */
  lastError: RpcError | undefined;
  /** Lookups done so far (successful or not). */
  lookups = 0;
  /** Settles once the first lookup has ended, whatever its outcome. */
  readonly firstLookup: Promise<void>;
  private readonly reresolveMs: number;
  private readonly onUpdate: (addresses: readonly ResolvedAddress[]) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastStart = -Infinity;
  private failures = 0;
  private closed = false;

  constructor(target: DnsTarget, reresolveMs: number, onUpdate: (addresses: readonly ResolvedAddress[]) => void) {
    this.target = target;
    this.reresolveMs = Math.max(MIN_RERESOLVE_MS, reresolveMs);
    this.onUpdate = onUpdate;
    this.firstLookup = this.lookup();
  }

  /** resolveSoon asks for a lookup now, or as soon as MIN_RERESOLVE_MS has passed since the last one. */
  resolveSoon(): void {
    if (this.closed || this.running) return;
    const wait = this.lastStart + MIN_RERESOLVE_MS - performance.now();
    if (wait <= 0) {
      void this.lookup();
      return;
    }
    this.schedule(wait);
  }

  /** close stops looking the name up. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.lookup(), timerDelay(ms));
    this.timer.unref();
  }

  private lookup(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.lastStart = performance.now();
    this.running = resolveTarget(this.target).then(
      (resolution) => {
        this.running = undefined;
        this.lookups++;
        if (this.closed) return;
        this.failures = 0;
        this.lastError = undefined;
        this.addresses = resolution.addresses;
        const ttl = resolution.ttlMs ?? Infinity;
        this.schedule(Math.min(this.reresolveMs, Math.max(MIN_RERESOLVE_MS, ttl)));
        this.onUpdate(resolution.addresses);
      },
      (err: unknown) => {
        this.running = undefined;
        this.lookups++;
        if (this.closed) return;
        this.failures++;
        this.lastError = RpcError.from(err, ErrorCode.Connect);
        this.schedule(Math.min(this.reresolveMs, MIN_RERESOLVE_MS * 2 ** (this.failures - 1)));
      },
    );
    return this.running;
  }
}
