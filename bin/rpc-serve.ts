#!/usr/bin/env node
/**
 * rpc-serve: serve RPC services from the command line. With no module it
 * serves the built-in demo services (Arith, Echo). Argument parsing,
 * printing and exit codes only; the work is done by the library.
 */
import { parseArgs } from 'node:util';
import { isBoundService } from '../src/contract/contract.js';
import { demoServices } from '../src/demo/services.js';
import { parseDuration } from '../src/duration.js';
import { RpcError } from '../src/errors.js';
import { loadServiceModule } from '../src/server/load-services.js';
import { Server } from '../src/server/server.js';

const USAGE = `Usage: rpc-serve [options] [MODULE]

Serve RPC methods over HTTP CONNECT, compatible with Go's net/rpc
(rpc.DialHTTP) and netrpc clients.

MODULE is a .js/.mjs/.ts file whose exports are the services: either a
default export object { ServiceName: impl, ... } or named exports, each
an object or class whose methods are the RPC methods. Without MODULE the
built-in demo services are served:
  Arith.Multiply {A,B} -> A*B     Arith.Add {A,B} -> A+B
  Arith.Divide {A,B} -> {Quo,Rem} (fails with "divide by zero")
  Echo.Echo x -> x   Echo.Upper s -> S   Echo.Sleep ms -> ms   Echo.Fail msg

Options:
  --host HOST        address to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port PORT        TCP port (default 1234, as in Go's docs; 0 picks one)
  --path PATH        CONNECT path (default /_goRPC_)
  --codec NAME       codec when the client names none: gob, json or msgpack
                     (default gob, what Go's rpc.DialHTTP speaks)
  --grace DURATION   on SIGINT/SIGTERM, time running calls get to finish
                     (default 10s)
  --max-message SIZE largest message in bytes (default 67108864)
  -h, --help         show this help

Examples:
  rpc-serve                         # demo services on 127.0.0.1:1234
  rpc-serve --port 9000 ./services.ts
`;

function fail(message: string, code: number): never {
  process.stderr.write(`rpc-serve: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '1234' },
        path: { type: 'string' },
        codec: { type: 'string' },
        grace: { type: 'string', default: '10s' },
        'max-message': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length > 1) fail(`expected at most one MODULE, got ${positionals.length}\n\n${USAGE}`, 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`, 2);
  const maxMessage = values['max-message'] === undefined ? undefined : Number(values['max-message']);
  if (maxMessage !== undefined && !(Number.isInteger(maxMessage) && maxMessage > 0)) fail(`invalid --max-message ${values['max-message']}`, 2);

  let server: Server;
  let graceMs: number;
  try {
    graceMs = parseDuration(values.grace);
    server = new Server({ path: values.path, defaultCodec: values.codec, maxMessageBytes: maxMessage, graceMs });
    const services = positionals[0] ? await loadServiceModule(positionals[0]) : demoServices();
    for (const service of services) {
      if (isBoundService(service)) server.register(service);
      else server.register(service.name, service.impl);
    }
  } catch (err) {
    fail(err instanceof RpcError ? err.message : String((err as Error)?.stack ?? err), 2);
  }

  let address;
  try {
    address = await server.listen({ host: values.host, port });
  } catch (err) {
    fail(`cannot listen on ${values.host}:${port}: ${(err as Error).message}`, 1);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const opts = server.options;
  let banner = `rpc-serve: listening on ${host}:${address.port} (CONNECT ${opts.path}; codecs ${opts.codecs.map((c) => c.name).join(', ')}; default ${opts.defaultCodec})\n`;
  for (const service of server.registry.list()) {
    for (const method of service.methods.keys()) banner += `  ${service.name}.${method}\n`;
  }
  process.stdout.write(banner);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`rpc-serve: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`rpc-serve: ${signal}: shutting down (running calls get up to ${graceMs} ms)\n`);
    server.close().then(
      () => {
        process.stdout.write('rpc-serve: stopped\n');
        process.exit(0);
      },
      (err: unknown) => fail(`shutdown failed: ${String(err)}`, 1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
