/**
 * The JSON-RPC over WebSocket benchmark client (the `ws` package): one
 * WebSocket per connection, JSON-RPC 2.0 requests matched to replies by
 * id, `inflight` outstanding per connection. The bytes1m payload is sent
 * as base64 text, encoded per call as the netrpc json client does.
 */
import WebSocket from 'ws';
import { parseClientArgs } from '../client-args.js';
import { runLoad } from '../load.js';
import type { Caller } from '../load.js';
import { BYTES_PAYLOAD, SmallArgs, STRUCT_PAYLOAD_BYTES, makeBytes, makeRecord1k } from '../payloads.js';
import { printResult } from '../result.js';
import { findScenario } from '../scenarios.js';

const args = parseClientArgs(process.argv.slice(2));
const scenario = findScenario(args.scenario);

const bytes = makeBytes();
const plan =
  scenario.payload === 'small'
    ? { method: 'Arith.Multiply', params: (): unknown => SmallArgs, bytesPerCall: 0 }
    : scenario.payload === 'struct1k'
      ? { method: 'Bench.Struct', params: ((r) => (): unknown => r)(makeRecord1k()), bytesPerCall: 2 * STRUCT_PAYLOAD_BYTES }
      : { method: 'Bench.Base64', params: (): unknown => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'), bytesPerCall: 2 * BYTES_PAYLOAD };

type Done = (err?: unknown) => void;

function open(addr: string): Promise<Caller> {
  const ws = new WebSocket(`ws://${addr}/`, { perMessageDeflate: false, maxPayload: 64 << 20 });
  const pending = new Map<number, Done>();
  let nextId = 0;
  ws.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { id: number; error?: { message: string } };
    const done = pending.get(reply.id);
    pending.delete(reply.id);
    done?.(reply.error ? new Error(reply.error.message) : undefined);
  });
  ws.on('close', () => {
    for (const done of pending.values()) done(new Error('connection closed'));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve((done) => {
        const id = nextId++;
        pending.set(id, done);
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: plan.method, params: [plan.params()] }));
      }),
    );
  });
}

const callers: Caller[] = [];
for (let i = 0; i < args.conns; i++) callers.push(await open(args.addr));
// Check the reply once, so a wrong setup fails loudly instead of measuring errors.
await new Promise<void>((resolve, reject) => callers[0]!((err) => (err ? reject(err as Error) : resolve())));
const result = await runLoad({ callers, inflight: args.inflight, warmupMs: args.warmupMs, durationMs: args.durationMs, bytesPerCall: plan.bytesPerCall });
printResult(result);
process.exit(0);
