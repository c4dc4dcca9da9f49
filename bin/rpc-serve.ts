#!/usr/bin/env node
/**
 * rpc-serve: serve RPC services from the command line. With no module it
 * serves the built-in demo services (Arith, Echo). Argument parsing,
 * printing and exit codes only; the work is done by the library.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isBoundService } from '../src/contract/contract.js';
import { demoServices } from '../src/demo/services.js';
import { parseDuration } from '../src/duration.js';
import { RpcError } from '../src/errors.js';
import { bearerToken } from '../src/server/authorize.js';
import { clusterMember, parseWorkers, runCluster } from '../src/server/cluster.js';
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
  --token-file FILE  require 'Authorization: Bearer <token>' on CONNECT, the
                     token read from FILE (or from the RPC_TOKEN variable)
  --tls-cert FILE    serve over TLS with this certificate (PEM) ...
  --tls-key FILE     ... and this private key (PEM)
  --tls-ca FILE      also require client certificates signed by this CA
  --max-message SIZE largest message in bytes (default 67108864)
  --max-connections N  open connections before new ones get 503 (default 10000)
  --max-in-flight N  calls running per connection before the server stops
                     reading it (default 1024)
  --handler-timeout DURATION  answer calls whose handler runs longer with a
                     timeout error and abort their signal (default: none)
  --idle-timeout DURATION  close connections idle this long (default: never)
  --workers N        serve from N processes sharing the port (Node cluster);
                     'auto' = one per CPU (default 1). Dead workers are
                     replaced; SIGINT/SIGTERM drains them all
  -h, --help         show this help

Examples:
  rpc-serve                         # demo services on 127.0.0.1:1234
  rpc-serve --port 9000 ./services.ts
  rpc-serve --host 0.0.0.0 --workers auto
  RPC_TOKEN=s3cret rpc-serve --tls-cert cert.pem --tls-key key.pem
`;

function fail(message: string, code: number): never {
  process.stderr.write(`rpc-serve: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const worker = clusterMember(); // set when forked by --workers; parses the same arguments
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
        'token-file': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-in-flight': { type: 'string' },
        'handler-timeout': { type: 'string' },
        'idle-timeout': { type: 'string' },
        workers: { type: 'string', default: '1' },
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
  const positive = (flag: string): number | undefined => {
    const text = (values as unknown as Record<string, string | undefined>)[flag];
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) fail(`invalid --${flag} ${text}; want a positive integer`, 2);
    return n;
  };
  const maxMessage = positive('max-message');
  const maxConnections = positive('max-connections');
  const maxInFlight = positive('max-in-flight');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) fail('--tls-cert and --tls-key go together', 2);
  if (values['tls-ca'] !== undefined && values['tls-cert'] === undefined) fail('--tls-ca needs --tls-cert and --tls-key', 2);
  const workers = parseWorkers(values.workers);
  if (workers === undefined) fail(`invalid --workers ${values.workers}; want a positive integer or auto`, 2);
  if (workers > 1 && !worker) {
    let grace: number;
    try {
      grace = parseDuration(values.grace);
    } catch (err) {
      fail((err as Error).message, 2);
    }
    const code = await runCluster({
      workers,
      host: values.host,
      port,
      graceMs: grace,
      onReady: ({ banner, pids }) => process.stdout.write(`${banner}rpc-serve: ${pids.length} workers (pids ${pids.join(', ')})\n`),
      onStopping: (signal, n) => process.stdout.write(`rpc-serve: ${signal}: shutting down ${n} workers (running calls get up to ${grace} ms)\n`),
      log: (line) => process.stderr.write(`rpc-serve: ${line}\n`),
    });
    if (code === 0) process.stdout.write('rpc-serve: stopped\n');
    process.exit(code);
  }

  let server: Server;
  let graceMs: number;
  try {
    graceMs = parseDuration(values.grace);
    const token = values['token-file'] !== undefined ? readFileSync(values['token-file'], 'utf8').trim() : process.env.RPC_TOKEN;
    if (token !== undefined && token === '') fail('the token is empty', 2);
    const tls = values['tls-cert']
      ? {
          cert: readFileSync(values['tls-cert']),
          key: readFileSync(values['tls-key']!),
          ...(values['tls-ca'] ? { ca: readFileSync(values['tls-ca']), requestCert: true, rejectUnauthorized: true } : {}),
        }
      : undefined;
    server = new Server({
      path: values.path,
      defaultCodec: values.codec,
      maxMessageBytes: maxMessage,
      maxConnections,
      maxInFlight,
      graceMs,
      ...(values['handler-timeout'] ? { handlerTimeoutMs: parseDuration(values['handler-timeout']) } : {}),
      ...(values['idle-timeout'] ? { idleTimeoutMs: parseDuration(values['idle-timeout']) } : {}),
      ...(token ? { authorize: bearerToken(token) } : {}),
      ...(tls ? { tls } : {}),
    });
    const services = positionals[0] ? await loadServiceModule(positionals[0]) : demoServices();
    for (const service of services) {
      if (isBoundService(service)) server.register(service);
      else server.register(service.name, service.impl);
    }
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && code.startsWith('E')) fail(String((err as Error).message), 2);
    fail(err instanceof RpcError ? err.message : String((err as Error)?.stack ?? err), 2);
  }

  let address;
  try {
    address = await server.listen({ host: values.host, port: worker?.port ?? port });
  } catch (err) {
    fail(`cannot listen on ${values.host}:${worker?.port ?? port}: ${(err as Error).message}`, 1);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const opts = server.options;
  const scheme = opts.tls ? 'https://' : '';
  let banner = `rpc-serve: listening on ${scheme}${host}:${address.port} (CONNECT ${opts.path}${opts.authorize ? '; bearer token required' : ''}; codecs ${opts.codecs.map((c) => c.name).join(', ')}; default ${opts.defaultCodec})\n`;
  for (const service of server.registry.list()) {
    for (const method of service.methods.keys()) banner += `  ${service.name}.${method}\n`;
  }
  if (worker) return worker.ready(banner, () => server.close());
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
