/**
 * A fixed-size latency histogram: logarithmic buckets (64 per power of
 * two, about 1.1% wide) over microseconds, so recording a call allocates
 * nothing and percentiles are within about 1%.
 */

const SUB_BUCKETS = 64;
const MAX_POW = 40; // 2^40 µs is about 12 days

/** LatencyHistogram counts call latencies in logarithmic microsecond buckets. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(SUB_BUCKETS * MAX_POW);
  /** count is the number of recorded samples. */
  count = 0;

  /** record adds one latency, in microseconds. */
  record(us: number): void {
    const v = us < 1 ? 1 : us;
    let i = Math.floor(Math.log2(v) * SUB_BUCKETS);
    if (i >= this.counts.length) i = this.counts.length - 1;
    this.counts[i]!++;
    this.count++;
  }

  /** reset forgets every sample. */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }

  /** percentile returns the latency (µs, bucket midpoint) below which `p` percent of samples fall. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return Math.pow(2, (i + 0.5) / SUB_BUCKETS);
    }
    return Math.pow(2, MAX_POW);
  }
}
