/** HISTORY_BUCKET_MS is the width of one history bucket: 5 s. */
export const HISTORY_BUCKET_MS = 5_000;
/** HISTORY_BUCKETS is how many buckets a history keeps: 60 (the last 5 minutes). */
export const HISTORY_BUCKETS = 60;

/**
 * CallHistorySnapshot counts calls per bucket of wall-clock time, oldest
 * first: bucket `i` covers the `bucketMs` before `endMs - (n-1-i) *
 * bucketMs`. Buckets are aligned to multiples of `bucketMs` since the
 * epoch, so snapshots from several processes add up bucket by bucket.
 */
export interface CallHistorySnapshot {
  readonly bucketMs: number;
  /** End of the newest bucket (exclusive), ms since the epoch. */
  readonly endMs: number;
  readonly calls: readonly number[];
  readonly errors: readonly number[];
}

/**
 * CallHistory counts answered calls and errors per 5-second bucket over
 * the last 5 minutes, in a ring: recording is O(1) and allocation-free.
 */
export class CallHistory {
  private readonly calls = new Float64Array(HISTORY_BUCKETS);
  private readonly errors = new Float64Array(HISTORY_BUCKETS);
  /** The bucket number (time / bucket width) each slot holds counts for. */
  private readonly slots = new Float64Array(HISTORY_BUCKETS).fill(-1);

  /** record counts one call answered at `now` (ms since the epoch). */
  record(failed: boolean, now = Date.now()): void {
    const bucket = Math.floor(now / HISTORY_BUCKET_MS);
    const i = bucket % HISTORY_BUCKETS;
    if (this.slots[i] !== bucket) {
      this.slots[i] = bucket;
      this.calls[i] = 0;
      this.errors[i] = 0;
    }
    this.calls[i]!++;
    if (failed) this.errors[i]!++;
  }

  /** addTo adds this history's counts for the buckets ending at `endMs` into `calls` and `errors`. */
  addTo(endMs: number, calls: number[], errors: number[]): void {
    const newest = Math.floor(endMs / HISTORY_BUCKET_MS) - 1;
    for (let k = 0; k < HISTORY_BUCKETS; k++) {
      const bucket = newest - (HISTORY_BUCKETS - 1 - k);
      const i = bucket % HISTORY_BUCKETS;
      if (this.slots[i] === bucket) {
        calls[k]! += this.calls[i]!;
        errors[k]! += this.errors[i]!;
      }
    }
  }
}

/** historyEnd is the end of the bucket holding `now`: the `endMs` of a snapshot taken then. */
export function historyEnd(now = Date.now()): number {
  return (Math.floor(now / HISTORY_BUCKET_MS) + 1) * HISTORY_BUCKET_MS;
}

/** emptyHistory is a snapshot of no calls ending at `endMs`. */
export function emptyHistory(endMs: number): { bucketMs: number; endMs: number; calls: number[]; errors: number[] } {
  return { bucketMs: HISTORY_BUCKET_MS, endMs, calls: new Array<number>(HISTORY_BUCKETS).fill(0), errors: new Array<number>(HISTORY_BUCKETS).fill(0) };
}
