/** A contract module as a Node team would write it, for `rpc-gen --go`. */
import { z } from 'zod';
import { defineService, go } from '../../../src/index.js';

const Money = go.struct('main.Money', { Cents: go.int64(), Currency: go.string() });

/** Shop: a netrpc service a Go program calls through rpc-gen's Go declarations. */
export const Shop = defineService('Shop', {
  Quote: {
    args: go.struct('main.QuoteArgs', {
      Sku: go.string(),
      Count: go.uint32(),
      Tags: go.slice(go.string()),
      Notes: go.map(go.string(), go.int()),
      Coupon: go.pointer(go.string()),
      At: go.time(),
      Blob: go.bytes(),
      Extra: go.interface({ 'main.Money': Money }),
    }),
    reply: z.object({ Total: Money, Lines: go.slice(z.object({ Sku: go.string(), Each: Money })), Ratio: go.float32() }),
  },
  Count: { args: go.string(), reply: go.int64() },
});
