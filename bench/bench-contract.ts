import { z } from 'zod';
import { defineService } from '../src/index.js';

/** Record1kSchema is the struct1k payload's schema: a Go struct of strings and ints. */
export const Record1kSchema = z.object({
  ID: z.int(),
  Name: z.string(),
  Email: z.string(),
  Title: z.string(),
  Body: z.string(),
  Count: z.int(),
  Score: z.int(),
});

/**
 * BenchContract is the bench server's own service: echoes with declared
 * Go types, so gob sends a struct and a `[]byte` (Go's benchserver
 * registers the same names).
 */
export const BenchContract = defineService('Bench', {
  Struct: { args: Record1kSchema, reply: Record1kSchema },
  Bytes: { args: z.instanceof(Uint8Array), reply: z.instanceof(Uint8Array) },
  /** Base64 is the bytes echo for the json codec, which carries `[]byte` as base64 text (as Go's jsonrpc does). */
  Base64: { args: z.string(), reply: z.string() },
});
