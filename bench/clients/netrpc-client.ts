/**
 * The netrpc benchmark client: dials `conns` connections with the given
 * codec and keeps `inflight` calls in flight on each. Prints one JSON
 * result line (see result.ts). With `--otel` every call is traced and
 * timed with OpenTelemetry (see otel-setup.ts).
 */
import { dialHTTP } from '../../src/index.js';
import type { CallOptions, Client } from '../../src/index.js';
import { ArithContract } from '../../src/demo/contracts.js';
import { BenchContract } from '../bench-contract.js';
import { parseClientArgs } from '../client-args.js';
import { runLoad } from '../load.js';
import type { Caller } from '../load.js';
import { BYTES_PAYLOAD, SmallArgs, STRUCT_PAYLOAD_BYTES, makeBytes, makeRecord1k } from '../payloads.js';
import { printResult } from '../result.js';
import { findScenario } from '../scenarios.js';
import { instrumentation } from '../otel-setup.js';

const args = parseClientArgs(process.argv.slice(2));
const scenario = findScenario(args.scenario);

function callPlan(): { method: string; value: unknown; options: CallOptions; bytesPerCall: number } {
  switch (scenario.payload) {
    case 'small':
      return { method: 'Arith.Multiply', value: SmallArgs, options: { argsType: ArithContract.types.Multiply?.args }, bytesPerCall: 0 };
    case 'struct1k':
      return { method: 'Bench.Struct', value: makeRecord1k(), options: { argsType: BenchContract.types.Struct?.args }, bytesPerCall: 2 * STRUCT_PAYLOAD_BYTES };
    case 'bytes1m':
      // JSON has no bytes: the json codec sends a Uint8Array as base64 text, echoed as text.
      if (args.codec === 'json') return { method: 'Bench.Base64', value: makeBytes(), options: {}, bytesPerCall: 2 * BYTES_PAYLOAD };
      return { method: 'Bench.Bytes', value: makeBytes(), options: { argsType: BenchContract.types.Bytes?.args }, bytesPerCall: 2 * BYTES_PAYLOAD };
  }
}

const plan = callPlan();
const clients: Client[] = [];
const interceptors = process.argv.includes('--otel') ? [instrumentation().client] : undefined;
for (let i = 0; i < args.conns; i++) clients.push(await dialHTTP(args.addr, { codec: args.codec, interceptors }));

// Check the reply once, so a wrong setup fails loudly instead of measuring errors.
await clients[0]!.call(plan.method, plan.value, plan.options);

const callers: Caller[] = clients.map((client) => (done) => {
  client.call(plan.method, plan.value, plan.options).then(() => done(), done);
});
const result = await runLoad({ callers, inflight: args.inflight, warmupMs: args.warmupMs, durationMs: args.durationMs, bytesPerCall: plan.bytesPerCall });
printResult(result);
await Promise.all(clients.map((c) => c.close()));
process.exit(0);
