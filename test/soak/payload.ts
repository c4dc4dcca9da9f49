/**
 * Random payloads for soak calls, from a few bytes to ~256 KiB (most
 * small, some large), and the check that an echoed payload is the one sent.
 */
import { randomFillSync } from 'node:crypto';
import type { Random } from './random.js';

/** MAX_PAYLOAD_BYTES is the largest payload the soak sends. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** payloadSize draws a size: 70% up to 1 KiB, 22% up to 32 KiB, 8% up to 256 KiB. */
export function payloadSize(rng: Random): number {
  const r = rng.next();
  if (r < 0.7) return rng.int(1, 1024);
  if (r < 0.92) return rng.int(1025, 32 * 1024);
  return rng.int(32 * 1024 + 1, MAX_PAYLOAD_BYTES);
}

/**
 * makePayload returns `size` random bytes, or (when `asText`, as for the
 * json codec, which has no byte type) a string of `size` random
 * printable characters.
 */
export function makePayload(size: number, asText: boolean): string | Uint8Array {
  const bytes = randomFillSync(Buffer.allocUnsafe(size));
  if (!asText) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < size; i++) bytes[i] = 0x20 + (bytes[i]! % 95);
  return bytes.toString('latin1');
}

/** samePayload reports whether `got` equals `sent` (same kind, same content). */
export function samePayload(sent: string | Uint8Array, got: unknown): boolean {
  if (typeof sent === 'string') return got === sent;
  if (!(got instanceof Uint8Array) || got.byteLength !== sent.byteLength) return false;
  return Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(sent.buffer, sent.byteOffset, sent.byteLength));
}

/** payloadBytes is the payload's size in bytes. */
export function payloadBytes(p: string | Uint8Array): number {
  return typeof p === 'string' ? p.length : p.byteLength;
}
