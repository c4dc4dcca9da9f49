/**
 * The netrpc benchmark server: demo Arith plus the Bench contract, all
 * codecs offered. Prints `listening HOST:PORT`; stops on SIGTERM. With
 * `--otel` every call is traced and timed with OpenTelemetry (see
 * otel-setup.ts).
 */
import { Server, implement } from '../../src/index.js';
import { Arith } from '../../src/demo/arith.js';
import { ArithContract } from '../../src/demo/contracts.js';
import { BenchContract } from '../bench-contract.js';
import { instrumentation } from '../otel-setup.js';

const server = new Server({ graceMs: 0 });
if (process.argv.includes('--otel')) server.use(instrumentation().server);
server.register(implement(ArithContract, new Arith()));
server.register(
  implement(BenchContract, {
    Struct: (r) => r,
    Bytes: (b) => b,
    Base64: (s) => s,
  }),
);
const { address, port } = await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}:${port}\n`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
