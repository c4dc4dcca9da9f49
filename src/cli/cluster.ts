/**
 * Multi-process serving with Node's `cluster` module: one primary process
 * that owns the listening port and N worker processes that each run the
 * same Server. The primary hands accepted connections to the workers
 * (round-robin on Linux), replaces workers that die, and drains them all
 * on SIGTERM/SIGINT. The primary never loads the services: every worker
 * builds its own Server, and the first one to listen reports the banner.
 *
 * Both halves live here: {@link runCluster} for the primary and
 * {@link clusterMember} for a worker. `rpc-serve --workers N` uses them.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { timerDelay } from '../timer-delay.js';
import { GatherRelay } from './cluster-gather.js';

/** Environment variable that carries the shared port from the primary to its workers. */
const PORT_ENV = 'NETRPC_CLUSTER_PORT';
const READY = 'netrpc:ready';
const SHUTDOWN = 'netrpc:shutdown';

interface ReadyMessage {
  readonly cmd: typeof READY;
  readonly banner: string;
}

function isReadyMessage(m: unknown): m is ReadyMessage {
  return typeof m === 'object' && m !== null && (m as { cmd?: unknown }).cmd === READY && typeof (m as { banner?: unknown }).banner === 'string';
}

function isShutdownMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { cmd?: unknown }).cmd === SHUTDOWN;
}

/**
 * parseWorkers reads a `--workers` value: a positive integer, or `auto`
 * for the number of CPUs this process may use (`os.availableParallelism()`).
 * Returns undefined for anything else.
 */
export function parseWorkers(text: string): number | undefined {
  if (text === 'auto') return availableParallelism();
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** ClusterReady describes a cluster whose workers are all listening. */
export interface ClusterReady {
  /** The startup text the first worker reported (what a single process would print). */
  readonly banner: string;
  /** The port every worker shares. */
  readonly port: number;
  /** Process ids of the running workers, in start order. */
  readonly pids: readonly number[];
}

/** ClusterOptions configure {@link runCluster}. */
export interface ClusterOptions {
  /** Number of worker processes (at least 1). */
  readonly workers: number;
  /** Address the workers listen on. */
  readonly host: string;
  /** Port the workers share; 0 makes the primary pick a free one first. */
  readonly port: number;
  /** How long workers give running calls on shutdown; the primary waits this plus `killAfterMs`. */
  readonly graceMs: number;
  /** Extra time beyond `graceMs` before workers that have not exited are killed. Default 5 000. */
  readonly killAfterMs?: number;
  /** First delay before replacing a worker that died, in ms; doubled per quick death in a row. Default 100. */
  readonly minRestartDelayMs?: number;
  /** Longest replacement delay, in ms. Default 10 000. */
  readonly maxRestartDelayMs?: number;
  /** A worker that lived at least this long (ms) before dying resets the backoff. Default 5 000. */
  readonly stableAfterMs?: number;
  /** Called once, when all the first workers are listening. */
  readonly onReady?: (ready: ClusterReady) => void;
  /** Called on the first SIGINT/SIGTERM, before the workers are told to drain. */
  readonly onStopping?: (signal: NodeJS.Signals, workers: number) => void;
  /** Receives one line (no newline) per lifecycle event: a worker died, a replacement started, a forced exit. */
  readonly log?: (line: string) => void;
}

/** Picks a free TCP port on `host` by listening on port 0 with a throwaway server. */
function pickPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * runCluster runs the primary side of a cluster. It forks one worker
 * (re-running the current script with the same arguments; the worker
 * sees {@link clusterMember} return its role), waits for it to listen,
 * then forks the others, and calls `onReady` once all of them listen.
 * All workers share one port; with `port: 0` the primary picks a free
 * port first and hands it to every worker.
 *
 * While it runs, the primary relays gathers between workers (see
 * cluster-gather.ts: how one worker answers /metrics and the debug page
 * for all). A worker that exits is replaced after a delay that
 * doubles with each quick death in a row (so a crash loop does not spin).
 * On the first SIGINT or SIGTERM the primary stops replacing workers,
 * tells each one to `server.close()` (running calls finish for up to
 * `graceMs`) and waits for them to exit; a second signal, or workers
 * still alive `killAfterMs` after the grace, get SIGKILL.
 *
 * Resolves with the exit code for the primary: 0 when every worker
 * drained and exited cleanly, 1 when one had to be killed or the port
 * could not be picked, or the first worker's own exit code when it died
 * before listening (a usage error is 2, a port in use 1), in which case
 * no worker is replaced. Signal handlers are removed before it resolves.
 *
 * ```ts
 * if (cluster.isPrimary) {
 *   process.exit(await runCluster({ workers: 4, host: '0.0.0.0', port: 1234, graceMs: 10_000,
 *     onReady: ({ banner }) => process.stdout.write(banner) }));
 * } else {
 *   const member = clusterMember()!;
 *   await server.listen({ host: '0.0.0.0', port: member.port });
 *   member.ready('listening\n', () => server.close());
 * }
 * ```
 */
export async function runCluster(options: ClusterOptions): Promise<number> {
  const log = options.log ?? (() => {});
  const minDelay = options.minRestartDelayMs ?? 100;
  const maxDelay = options.maxRestartDelayMs ?? 10_000;
  const stableAfter = options.stableAfterMs ?? 5_000;
  const want = Math.max(1, Math.floor(options.workers));

  let port: number;
  try {
    port = options.port === 0 ? await pickPort(options.host) : options.port;
  } catch (err) {
    log(`cannot pick a port on ${options.host}: ${(err as Error).message}`);
    return 1;
  }

  const live = new Map<Worker, { started: number; ready: boolean }>();
  let banner: string | undefined;
  let announced = false;
  let stopping = false;
  let forced = false;
  let startupFailure: number | undefined;
  let quickDeaths = 0;
  const restartTimers = new Set<NodeJS.Timeout>();
  const relay = new GatherRelay(() => live.keys());
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let killTimer: NodeJS.Timeout | undefined;

  const finishIfIdle = (): void => {
    if (live.size > 0 || restartTimers.size > 0) return;
    if (startupFailure !== undefined) resolveDone(startupFailure);
    else if (stopping) resolveDone(forced ? 1 : 0);
  };

  const announceIfReady = (): void => {
    if (announced || banner === undefined) return;
    const ready = [...live].filter(([, s]) => s.ready);
    if (ready.length < want) return;
    announced = true;
    options.onReady?.({ banner, port, pids: ready.map(([w]) => w.process.pid!) });
  };

  const fork = (): Worker => {
    const worker = cluster.fork({ [PORT_ENV]: String(port) });
    const state = { started: Date.now(), ready: false };
    live.set(worker, state);
    worker.on('message', (m: unknown) => {
      relay.onMessage(worker, m);
      if (!isReadyMessage(m) || state.ready) return;
      state.ready = true;
      const first = banner === undefined;
      banner ??= m.banner;
      if (stopping) worker.send({ cmd: SHUTDOWN });
      else if (first) for (let i = 1; i < want; i++) fork();
      announceIfReady();
    });
    worker.on('error', () => {}); // IPC errors end in 'exit', handled below.
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      relay.workerGone(worker);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (banner === undefined && !stopping) {
        // The first worker died before listening: bad usage, a port in
        // use, a broken module. Replacing it would fail the same way.
        startupFailure = code ?? 1;
        log(`worker ${worker.process.pid} exited with ${how} before listening; stopping`);
        stopAll();
      } else if (!stopping) {
        const lived = Date.now() - state.started;
        quickDeaths = lived >= stableAfter ? 0 : quickDeaths + 1;
        const delay = Math.min(maxDelay, minDelay * 2 ** Math.max(0, quickDeaths - 1));
        log(`worker ${worker.process.pid} exited with ${how}; starting a replacement in ${delay} ms`);
        const timer = setTimeout(() => {
          restartTimers.delete(timer);
          if (stopping) return finishIfIdle();
          const next = fork();
          log(`worker ${next.process.pid} started`);
        }, timerDelay(delay));
        restartTimers.add(timer);
      } else if (code !== 0) {
        forced = true;
      }
      finishIfIdle();
    });
    return worker;
  };

  /** Tells every worker to drain (or kills those that cannot hear it) and stops replacing them. */
  const stopAll = (): void => {
    stopping = true;
    for (const t of restartTimers) clearTimeout(t);
    restartTimers.clear();
    for (const [worker] of live) {
      if (worker.isConnected()) worker.send({ cmd: SHUTDOWN });
      else worker.process.kill('SIGKILL');
    }
    const killAfter = options.graceMs + (options.killAfterMs ?? 5_000);
    killTimer = setTimeout(() => killAll(`workers still running ${killAfter} ms after the signal`), timerDelay(killAfter));
    killTimer.unref();
    finishIfIdle();
  };

  const killAll = (why: string): void => {
    forced = true;
    if (live.size > 0) log(`${why}; killing ${live.size} worker(s)`);
    for (const [worker] of live) worker.process.kill('SIGKILL');
    finishIfIdle();
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return killAll(`${signal} again`);
    options.onStopping?.(signal, live.size);
    stopAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  fork();
  try {
    return await done;
  } finally {
    clearTimeout(killTimer);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** ClusterMember is a worker's side of a cluster started by {@link runCluster}. */
export interface ClusterMember {
  /** The port the primary chose; every worker listens on it. */
  readonly port: number;
  /**
   * ready tells the primary this worker listens, with the banner a
   * single process would print (the primary prints the first one). From
   * then on a shutdown request from the primary, or SIGINT/SIGTERM sent
   * to this worker, runs `close` (a Server's graceful close) and exits 0
   * when it resolves (1 when it rejects); a second signal exits 1 at once.
   * A shutdown request that came before `ready` runs `close` right away.
   */
  ready(banner: string, close: () => Promise<void>): void;
}

let member: ClusterMember | null | undefined;

/**
 * clusterMember returns this process's worker handle when it was forked
 * by {@link runCluster}, and undefined otherwise (a plain process, or
 * the primary). Call it early (before slow startup work): it starts
 * listening for the primary's shutdown request at once, so none is lost.
 */
export function clusterMember(): ClusterMember | undefined {
  if (member !== undefined) return member ?? undefined;
  const portText = process.env[PORT_ENV];
  if (!cluster.isWorker || portText === undefined) {
    member = null;
    return undefined;
  }
  let close: (() => Promise<void>) | undefined;
  let stopRequested = false;
  let stopping = false;
  const stop = (): void => {
    stopRequested = true;
    if (!close || stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (m: unknown) => {
    if (isShutdownMessage(m)) stop();
  });
  let signalled = false;
  const onSignal = (): void => {
    // Only a second signal forces: the primary's request and a signal sent
    // to the whole process group (Ctrl-C, systemd) arrive together.
    if (signalled) process.exit(1);
    signalled = true;
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  member = {
    port: Number(portText),
    ready(banner, closeServer) {
      close = closeServer;
      process.send?.({ cmd: READY, banner } satisfies ReadyMessage);
      if (stopRequested) stop();
    },
  };
  return member;
}
