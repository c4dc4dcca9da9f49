/**
 * CallIds maps a wire format's call ids to the numbers a connection works
 * with, and back. A non-negative safe integer (what netrpc, Go and most
 * msgpack-rpc peers send) stands for itself, so the common case costs
 * nothing; any other id (a JSON string or object, a gob seq beyond 2^53
 * read as a bigint, a negative number) gets a fresh negative number until
 * the call is answered or cancelled.
 */
export class CallIds {
  private readonly wireOf = new Map<number, unknown>();
  /** The latest local number of each mapped wire id, by its key (see keyOf), for cancels. */
  private readonly localOf = new Map<unknown, number>();
  private next = -1;

  /** local returns the local number for a call's wire id, as it is decoded. */
  local(wire: unknown): number {
    if (isPlainId(wire)) return wire;
    const n = this.next--;
    this.wireOf.set(n, wire);
    this.localOf.set(keyOf(wire), n);
    return n;
  }

  /** find returns the local number of a call seen before (a cancel's target), or undefined. */
  find(wire: unknown): number | undefined {
    if (isPlainId(wire)) return wire;
    return this.localOf.get(keyOf(wire));
  }

  /** wire returns the wire id of a local number and forgets a mapped one (its call is answered or cancelled). */
  wire(local: number): unknown {
    if (local >= 0) return local;
    const wire = this.wireOf.get(local);
    this.wireOf.delete(local);
    const key = keyOf(wire);
    if (this.localOf.get(key) === local) this.localOf.delete(key);
    return wire;
  }
}

function isPlainId(wire: unknown): wire is number {
  return typeof wire === 'number' && Number.isSafeInteger(wire) && wire >= 0;
}

/**
 * keyOf turns a wire id into a Map key: JSON objects and arrays by their
 * text (bigints inside, from integers beyond 2^53, tagged so they cannot
 * meet a string), anything else as it is.
 */
function keyOf(wire: unknown): unknown {
  return typeof wire === 'object' && wire !== null ? JSON.stringify(wire, tagBigInt) : wire;
}

function tagBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `\u0000bigint:${value}` : value;
}
