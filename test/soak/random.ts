/**
 * A small seeded pseudo-random generator (mulberry32) so a soak run's
 * choices can be replayed with `--seed` (timing still varies).
 */

/** Random draws numbers from a seeded sequence. */
export class Random {
  private state: number;

  /** `seed` is any 32-bit integer. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** next returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** int returns an integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** chance returns true with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** pick returns one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}
