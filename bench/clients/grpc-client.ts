/**
 * The grpc-js benchmark client: one generic client (its own channel and
 * subchannel) per connection, unary calls, `inflight` outstanding per
 * connection (HTTP/2 streams multiplexed on that connection).
 */
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { parseClientArgs } from '../client-args.js';
import { benchGrpcService } from '../grpc-definition.js';
import { runLoad } from '../load.js';
import type { Caller } from '../load.js';
import { BYTES_PAYLOAD, SmallArgs, STRUCT_PAYLOAD_BYTES, makeBytes, makeRecord1k } from '../payloads.js';
import { printResult } from '../result.js';
import { findScenario } from '../scenarios.js';

const args = parseClientArgs(process.argv.slice(2));
const scenario = findScenario(args.scenario);

type UnaryFn = (req: unknown, cb: (err: ServiceError | null, reply?: unknown) => void) => void;

const plan =
  scenario.payload === 'small'
    ? { method: 'Multiply', value: SmallArgs as unknown, bytesPerCall: 0 }
    : scenario.payload === 'struct1k'
      ? { method: 'Struct', value: makeRecord1k() as unknown, bytesPerCall: 2 * STRUCT_PAYLOAD_BYTES }
      : { method: 'Bytes', value: Buffer.from(makeBytes()) as unknown, bytesPerCall: 2 * BYTES_PAYLOAD };

const Ctor = makeGenericClientConstructor(benchGrpcService, 'Bench');
const clients: Client[] = [];
for (let i = 0; i < args.conns; i++) {
  const c = new Ctor(args.addr, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 8 << 20,
    'grpc.max_send_message_length': 8 << 20,
  });
  await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())));
  clients.push(c);
}

const callers: Caller[] = clients.map((c) => {
  const fn = (c as unknown as Record<string, UnaryFn>)[plan.method]!.bind(c);
  return (done) => fn(plan.value, (err) => done(err ?? undefined));
});
const result = await runLoad({ callers, inflight: args.inflight, warmupMs: args.warmupMs, durationMs: args.durationMs, bytesPerCall: plan.bytesPerCall });
printResult(result);
for (const c of clients) c.close();
process.exit(0);
