/**
 * The payloads of the scenarios. The Go programs in bench/go build the
 * same values (same field names and lengths).
 */

/** SmallArgs is the argument of `Arith.Multiply` in the small-call scenarios. */
export const SmallArgs = { A: 7, B: 8 } as const;

/** Record1k is the ~1 KiB struct echoed by `Bench.Struct`. */
export interface Record1k {
  ID: number;
  Name: string;
  Email: string;
  Title: string;
  Body: string;
  Count: number;
  Score: number;
}

/** makeRecord1k builds the struct1k payload: 7 fields, 1000 bytes of strings plus 3 ints. */
export function makeRecord1k(): Record1k {
  return {
    ID: 123456789,
    Name: 'n'.repeat(64),
    Email: 'e'.repeat(64),
    Title: 't'.repeat(128),
    Body: 'b'.repeat(744),
    Count: 42,
    Score: 31337,
  };
}

/** STRUCT_PAYLOAD_BYTES is the nominal size of the struct1k payload (strings + three 8-byte ints). */
export const STRUCT_PAYLOAD_BYTES = 64 + 64 + 128 + 744 + 3 * 8;

/** BYTES_PAYLOAD is the size of the bytes1m echo payload: 1 MiB. */
export const BYTES_PAYLOAD = 1024 * 1024;

/** makeBytes builds the 1 MiB payload (a repeating byte pattern). */
export function makeBytes(n = BYTES_PAYLOAD): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}
