import { ErrorCode } from '../../errors.js';
import { UnsupportedValueError } from './errors.js';

/**
 * VALUES_PER_MESSAGE and VALUES_PER_BYTE make a gob value's budget: a value
 * that came in n bytes may decode to at most 4096 + 64·n values (struct
 * fields and array elements Go omitted as zero included, which is where a
 * gob message produces more values than it has bytes), and never more than
 * the codec's maxValues. An all-zero struct element takes one byte, so 64
 * per byte lets a slice of all-zero structs of up to 64 fields through.
 */
export const VALUES_PER_MESSAGE = 4096;
export const VALUES_PER_BYTE = 64;

/** valueAllowance is the budget of a value that came in `bytes` bytes. */
export function valueAllowance(bytes: number, maxValues: number): number {
  return Math.min(maxValues, VALUES_PER_MESSAGE + VALUES_PER_BYTE * bytes);
}

/**
 * ValueBudget counts the values the value being decoded produces against
 * its allowance. Past it, spend throws an UnsupportedValueError with code
 * RPC_MESSAGE_TOO_LARGE: the message was well framed, so the stream stays in
 * sync and the call is answered with the error.
 */
export class ValueBudget {
  /** Values the value may still produce; hot paths decrement it and call spend(0) below zero. */
  left = 0;
  private allowed = 0;
  private bytes = 0;
  private readonly maxValues: number;

  constructor(maxValues: number) {
    this.maxValues = maxValues;
  }

  /** start begins the budget of a value whose message has `bytes` bytes. */
  start(bytes: number): void {
    this.bytes = bytes;
    this.allowed = valueAllowance(bytes, this.maxValues);
    this.left = this.allowed;
  }

  /** extend grows the budget by a further message of `bytes` bytes the value continues in. */
  extend(bytes: number): void {
    this.bytes += bytes;
    const allowed = Math.min(this.maxValues, this.allowed + VALUES_PER_BYTE * bytes);
    this.left += allowed - this.allowed;
    this.allowed = allowed;
  }

  /** byteCount is the bytes of the messages the value came in so far. */
  get byteCount(): number {
    return this.bytes;
  }

  /** used is the number of values produced so far. */
  get used(): number {
    return this.allowed - this.left;
  }

  /** spend charges `n` values. */
  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) {
      throw new UnsupportedValueError(`rpc: gob: value decodes to more than ${this.allowed} values, the limit for its ${this.bytes} bytes`, ErrorCode.MessageTooLarge);
    }
  }
}
