#!/usr/bin/env node
/**
 * rpc-serve: serve RPC services from the command line. With no module it
 * serves the built-in demo services (Arith, Echo). Argument parsing,
 * printing and exit codes only; the work is done by the library.
 */
import { readFileSync } from 'node:fs';
import type * as PromClient from 'prom-client';
import { createCliLogger, parseLogFormat, parseLogLevel } from '../src/cli/cli-logger.js';
import type { CliLogger } from '../src/cli/cli-logger.js';
import { parseCommandLine, UsageError, usageText } from '../src/cli/command-line.js';
import type { ParsedCommandLine } from '../src/cli/command-line.js';
import { durationFlag, positiveIntegerFlag, sizeFlag } from '../src/cli/flag-values.js';
import { loadServiceModule, ModuleLoadError } from '../src/cli/load-services.js';
import { startedByNpm, watchParent } from '../src/cli/parent-watch.js';
import { versionLine } from '../src/cli/version.js';
import { isBoundService } from '../src/contract/contract.js';
import type { BoundService } from '../src/contract/contract.js';
import { RpcError } from '../src/errors.js';
import { bearerToken } from '../src/server/authorize.js';
import { clusterMember, parseWorkers, runCluster } from '../src/cli/cluster.js';
import { answerGathers, gatherFromCluster } from '../src/cli/cluster-gather.js';
import { guardRoute } from '../src/server/guard-route.js';
import { mergeReports } from '../src/server/merge-reports.js';
import { prometheusMetrics } from '../src/server/prometheus-metrics.js';
import type { ProbeAccess } from '../src/server/probe-routes.js';
import { Server } from '../src/server/server.js';
import type { ServerReport } from '../src/server/server-stats.js';

const USAGE = `Usage: rpc-serve [options] [MODULE]

Serve RPC methods over HTTP CONNECT, compatible with Go's net/rpc
(rpc.DialHTTP) and netrpc clients.

MODULE is a .js/.mjs/.cjs file (or .ts/.mts/.cts, with tsx installed) whose
exports are the services: named exports or a default export object
{ ServiceName: impl, ... }, each an object or class whose methods are the
RPC methods, or an implement(contract, impl) value. Without MODULE the
built-in demo services are served:
  Arith.Multiply {A,B} -> A*B     Arith.Add {A,B} -> A+B
  Arith.Divide {A,B} -> {Quo,Rem} (fails with "divide by zero")
  Echo.Echo x -> x   Echo.Upper s -> S   Echo.Sleep ms -> ms   Echo.Fail msg

DURATION is in Go's form (250ms, 10s, 1m30s, 1.5h). SIZE is bytes or a
number with a unit (512KiB, 1MiB, 64MB).

Options:
  --host HOST        address to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port PORT        TCP port (default 1234, as in Go's docs; 0 picks one)
  --path PATH        CONNECT path (default /_goRPC_)
  --codec NAME       codec when the client names none: gob, json or msgpack
                     (default gob, what Go's rpc.DialHTTP speaks)
  --grace DURATION   on SIGINT/SIGTERM, time running calls get to finish
                     (default 10s)
  --drain-delay DURATION  on SIGINT/SIGTERM, first turn /readyz and
                     Health.Check to NOT_SERVING and keep serving this long,
                     so load balancers stop sending here; then drain
                     (default 0s)
  --probes MODE      GET /healthz and /readyz: guarded (default; behind
                     --token-file like the debug page), open or off
  --token-file FILE  require 'Authorization: Bearer <token>' on CONNECT, the
                     token read from FILE (or from the RPC_TOKEN variable)
  --tls-cert FILE    serve over TLS with this certificate (PEM) ...
  --tls-key FILE     ... and this private key (PEM)
  --tls-ca FILE      also require client certificates signed by this CA
  --max-message SIZE largest message (default 16MiB)
  --max-connections N  open connections before new ones get 503 (default 10000)
  --max-in-flight N  calls running per connection before the server stops
                     reading it (default 1024)
  --handler-timeout DURATION  answer calls whose handler runs longer with a
                     timeout error and abort their signal (default: none)
  --idle-timeout DURATION  close connections idle this long (default: never)
  --workers N        serve from N processes sharing the port (Node cluster);
                     'auto' = one per CPU (default 1). Dead workers are
                     replaced; SIGINT/SIGTERM drains them all. The debug
                     page and /metrics show all workers together
  --metrics          serve Prometheus metrics at GET /metrics on the same
                     port (needs the prom-client package; behind the token
                     when --token-file is set)
  --log-format FORMAT  text (default) or json (one JSON object per line,
                     as pino writes)
  --log-level LEVEL  trace, debug, info (default), warn, error, fatal or
                     silent
  --version          print the version and exit
  -h, --help         show this help

Examples:
  rpc-serve                         # demo services on 127.0.0.1:1234
  rpc-serve --port 9000 ./services.ts
  rpc-serve --host 0.0.0.0 --workers auto
  rpc-serve --host 0.0.0.0 --drain-delay 5s --probes open
  RPC_TOKEN=s3cret rpc-serve --tls-cert cert.pem --tls-key key.pem
`;

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '1234' },
  path: { type: 'string' },
  codec: { type: 'string' },
  grace: { type: 'string', default: '10s' },
  'drain-delay': { type: 'string', default: '0s' },
  probes: { type: 'string', default: 'guarded' },
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
  metrics: { type: 'boolean' },
  'log-format': { type: 'string' },
  'log-level': { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

/** log is where rpc-serve's lines go once the flags are read (text on stdout/stderr until then). */
let log: CliLogger = createCliLogger({ format: 'text', level: 'info', name: 'rpc-serve' });

function fail(message: string, code: number): never {
  log.error({}, message);
  process.exit(code);
}

/** Settings are the checked command line. */
interface Settings {
  readonly values: Values;
  readonly module: string | undefined;
  readonly port: number;
  readonly workers: number;
  readonly graceMs: number;
  readonly drainDelayMs: number;
}

/** readSettings checks the flags; every problem is a UsageError. */
function readSettings(argv: readonly string[]): Settings | 'help' | 'version' {
  const { values, positionals } = parseCommandLine(OPTIONS, argv);
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length > 1) throw new UsageError(`expected at most one MODULE, got ${positionals.length}: ${positionals.join(' ')}`);
  const port = /^\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`invalid --port ${values.port}; want 0 to 65535`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (values['tls-ca'] !== undefined && values['tls-cert'] === undefined) throw new UsageError('--tls-ca needs --tls-cert and --tls-key');
  const workers = parseWorkers(values.workers);
  if (workers === undefined) throw new UsageError(`invalid --workers ${values.workers}; want a positive integer or auto`);
  if (!['guarded', 'open', 'off'].includes(values.probes)) throw new UsageError(`invalid --probes ${values.probes}; want guarded, open or off`);
  log = createCliLogger({ format: parseLogFormat(values['log-format']), level: parseLogLevel(values['log-level']), name: 'rpc-serve' });
  return { values, module: positionals[0], port, workers, graceMs: durationFlag('grace', values.grace), drainDelayMs: durationFlag('drain-delay', values['drain-delay']) };
}

/** buildServer makes the Server the flags describe, with its services. */
async function buildServer({ values, module, graceMs }: Settings, inCluster: boolean): Promise<Server> {
  const optional = <T>(flag: keyof Values, read: (flag: string, text: string) => T): T | undefined => {
    const text = values[flag];
    return typeof text === 'string' ? read(flag, text) : undefined;
  };
  const handlerTimeoutMs = optional('handler-timeout', durationFlag);
  const idleTimeoutMs = optional('idle-timeout', durationFlag);
  const token = values['token-file'] !== undefined ? readFileSync(values['token-file'], 'utf8').trim() : process.env.RPC_TOKEN;
  if (token !== undefined && token === '') throw new UsageError('the token is empty');
  const tls = values['tls-cert']
    ? {
        cert: readFileSync(values['tls-cert']),
        key: readFileSync(values['tls-key']!),
        ...(values['tls-ca'] ? { ca: readFileSync(values['tls-ca']), requestCert: true, rejectUnauthorized: true } : {}),
      }
    : undefined;
  const prom = values.metrics ? await loadPromClient() : undefined;
  const server: Server = new Server({
    logger: log,
    ...(inCluster ? { debugReport: () => clusterReport(server) } : {}),
    path: values.path,
    defaultCodec: values.codec,
    maxMessageBytes: optional('max-message', sizeFlag),
    maxConnections: optional('max-connections', positiveIntegerFlag),
    maxInFlight: optional('max-in-flight', positiveIntegerFlag),
    graceMs,
    probes: values.probes as ProbeAccess,
    ...(handlerTimeoutMs ? { handlerTimeoutMs } : {}),
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
    ...(token ? { authorize: bearerToken(token) } : {}),
    ...(tls ? { tls } : {}),
  });
  const services = module ? await loadServiceModule(module) : await demo();
  for (const service of services) {
    if (isBoundService(service)) server.register(service);
    else server.register(service.name, service.impl);
  }
  if (inCluster) answerGathers('report', () => server.report());
  if (prom) {
    const metrics = prometheusMetrics(server, prom, inCluster ? { exposition: () => clusterMetrics(prom) } : {});
    if (inCluster) answerGathers('metrics', () => metrics.registry.getMetricsAsJSON());
    server.addHttpRoute(guardRoute(metrics.route, '/metrics', server.options.authorize));
  }
  return server;
}

/** loadPromClient imports the optional prom-client package for --metrics. */
async function loadPromClient(): Promise<typeof PromClient> {
  try {
    return await import('prom-client');
  } catch {
    throw new UsageError('--metrics needs the prom-client package: npm install prom-client');
  }
}

/** clusterReport is every worker's report summed (this worker's own when none answered). */
async function clusterReport(server: Server): Promise<ServerReport> {
  const reports = (await gatherFromCluster('report')) as ServerReport[];
  return reports.length === 0 ? server.report() : mergeReports(reports);
}

/** clusterMetrics is every worker's metrics summed, as Prometheus text. */
async function clusterMetrics(prom: typeof PromClient): Promise<string> {
  const all = (await gatherFromCluster('metrics')) as Parameters<typeof prom.AggregatorRegistry.aggregate>[0];
  return prom.AggregatorRegistry.aggregate(all).metrics();
}

async function demo(): Promise<BoundService[]> {
  const { demoServices } = await import('../src/demo/services.js');
  return demoServices();
}

/** stopWithParent makes the exit of the npm script's shell stop this process as SIGTERM would. */
function stopWithParent(): void {
  if (!startedByNpm()) return;
  watchParent((pid) => {
    log.warn({}, `parent process ${pid} exited (npm was stopped); stopping as on SIGTERM`);
    process.kill(process.pid, 'SIGTERM');
  });
}

async function runWorkers(settings: Settings): Promise<never> {
  const { values, workers, port, graceMs, drainDelayMs } = settings;
  stopWithParent();
  const code = await runCluster({
    workers,
    host: values.host,
    port,
    graceMs: drainDelayMs + graceMs, // the primary's kill deadline covers the delay too
    onReady: ({ banner, pids }) => {
      const { msg, fields } = JSON.parse(banner) as Banner;
      log.info(fields, msg);
      log.info({}, `${pids.length} workers (pids ${pids.join(', ')})`);
    },
    onStopping: (signal, n) => log.info({}, `${signal}: shutting down ${n} workers (${drainNote(drainDelayMs)}running calls get up to ${graceMs} ms)`),
    log: (line) => log.warn({}, line),
  });
  if (code === 0) log.info({}, 'stopped');
  process.exit(code);
}

/** drainNote describes the drain delay in the shutdown line, or is empty without one. */
function drainNote(drainDelayMs: number): string {
  return drainDelayMs > 0 ? `not ready now, serving ${drainDelayMs} ms more, then ` : '';
}

/** Banner is the startup line and the methods served. */
interface Banner {
  readonly msg: string;
  readonly fields: { readonly methods: readonly string[] };
}

function bannerOf(server: Server, address: { address: string; family: string; port: number }): Banner {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const opts = server.options;
  const scheme = opts.tls ? 'https://' : '';
  const msg = `listening on ${scheme}${host}:${address.port} (CONNECT ${opts.path}${opts.authorize ? '; bearer token required' : ''}; codecs ${opts.codecs.map((c) => c.name).join(', ')}; default ${opts.defaultCodec})`;
  const methods: string[] = [];
  for (const service of server.registry.list()) {
    for (const method of service.methods.keys()) methods.push(`${service.name}.${method}`);
  }
  return { msg, fields: { methods } };
}

async function main(): Promise<void> {
  const worker = clusterMember(); // set when forked by --workers; parses the same arguments
  let settings: Settings | 'help' | 'version';
  try {
    settings = readSettings(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(usageText('rpc-serve', err.message));
    else process.stderr.write(`rpc-serve: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (settings === 'help') return void process.stdout.write(USAGE);
  if (settings === 'version') return void process.stdout.write(versionLine('rpc-serve'));
  if (settings.workers > 1 && !worker) return runWorkers(settings);
  if (!worker) stopWithParent();

  let server: Server;
  try {
    server = await buildServer(settings, worker !== undefined);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(usageText('rpc-serve', err.message));
      process.exit(2);
    }
    if (err instanceof ModuleLoadError || err instanceof RpcError) fail(err.message, 2);
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && code.startsWith('E')) fail(String((err as Error).message), 2);
    fail(String((err as Error)?.stack ?? err), 2);
  }

  const { host } = settings.values;
  let address;
  try {
    address = await server.listen({ host, port: worker?.port ?? settings.port });
  } catch (err) {
    fail(`cannot listen on ${host}:${worker?.port ?? settings.port}: ${(err as Error).message}`, 1);
  }
  const banner = bannerOf(server, address);
  const { drainDelayMs, graceMs } = settings;
  if (worker) return worker.ready(JSON.stringify(banner), () => server.close({ drainDelayMs }));
  log.info(banner.fields, banner.msg);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({}, `${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info({}, `${signal}: shutting down (${drainNote(drainDelayMs)}running calls get up to ${graceMs} ms)`);
    server.close({ drainDelayMs }).then(
      () => {
        log.info({}, 'stopped');
        process.exit(0);
      },
      (err: unknown) => fail(`shutdown failed: ${String(err)}`, 1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
