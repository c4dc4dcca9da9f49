/**
 * runSoak is the whole soak, usable from the CLI (soak.ts) and from
 * vitest: it starts the server process, warms it up, takes its memory
 * baseline, runs the faulty load for the given time, stops and closes every
 * client, waits for the server to settle, and checks what must hold.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dialHTTP } from '../../src/index.js';
import type { EchoArgs, EchoReply, HandlerStats, MemorySample } from './echo-args.js';
import { FaultProxy } from './fault-proxy.js';
import { Ledger } from './ledger.js';
import type { LedgerTotals } from './ledger.js';
import { makePayload, samePayload } from './payload.js';
import { Random } from './random.js';
import { ServerProcess } from './server-process.js';
import { newFaultCounts, SoakWorker } from './worker.js';
import type { FaultCounts, SoakCodec } from './worker.js';

/** SoakOptions size a run. */
export interface SoakOptions {
  /** Length of the measured load, in seconds. */
  readonly seconds: number;
  /** Length of the warm-up load before the memory baseline, in seconds. */
  readonly warmupSeconds: number;
  /** Simulated clients (spread over the three codecs). */
  readonly clients: number;
  /** Calls each client keeps in flight. */
  readonly lanes: number;
  /** Mean time between chaos events per client, in ms. */
  readonly chaosEveryMs: number;
  /** The server's `handlerTimeoutMs`. */
  readonly handlerTimeoutMs: number;
  /** Seed of the random choices. */
  readonly seed: number;
  /** Start the server with `--leak` (it keeps every payload): the memory check must then fail. */
  readonly leakForSelfTest?: boolean;
  /** Called with progress lines; default: none. */
  readonly log?: (line: string) => void;
}

/** FULL_SOAK is what `npm run soak` runs by default (about 60 s of load). */
export const FULL_SOAK: SoakOptions = {
  seconds: 60,
  warmupSeconds: 3,
  clients: 24,
  lanes: 8,
  chaosEveryMs: 1000,
  handlerTimeoutMs: 1500,
  seed: 1,
};

/** CI_SOAK is the CI-sized run (`--ci`, and the vitest test): fewer clients, 8 s of load (about 13 s in all). */
export const CI_SOAK: SoakOptions = {
  seconds: 8,
  warmupSeconds: 1,
  clients: 9,
  lanes: 4,
  chaosEveryMs: 600,
  handlerTimeoutMs: 1500,
  seed: 1,
};

/**
 * Memory tolerance after the load, over the baseline. heapUsed after full
 * collections is the leak signal: 16 MiB (or 25 % of the baseline, if
 * larger) is small next to the load's traffic (a leak of ~100 bytes per
 * call shows up within a full run), and leaves room for V8's own caches
 * (compiled code, inline caches, feedback vectors) that grow during a
 * long run. RSS is much noisier: V8 and glibc keep freed pages and malloc
 * arenas mapped after a peak of several hundred MiB of buffered
 * payloads, so RSS is only required to come back within 128 MiB of the
 * baseline, and to fall well below the load's peak.
 */
export const MEMORY_TOLERANCE = {
  heapBytes: 16 * 2 ** 20,
  heapRatio: 0.25,
  rssBytes: 128 * 2 ** 20,
};

/** MemoryReport is the server's memory at the three moments measured. */
export interface MemoryReport {
  /** After the warm-up, clients closed, full gc. */
  readonly before: MemorySample;
  /** Highest readings during the load (no gc). */
  readonly peak: MemorySample;
  /** After the load, clients closed, full gc. */
  readonly after: MemorySample;
  readonly heapLimit: number;
  readonly rssLimit: number;
  readonly returned: boolean;
}

/** SoakResult is everything a run measured, and its verdict. */
export interface SoakResult {
  readonly options: Omit<SoakOptions, 'log'>;
  readonly durationMs: number;
  readonly totals: LedgerTotals;
  readonly faults: FaultCounts;
  readonly callsPerSecond: number;
  /** Fewest calls settled in any one-second tick of the load (a stall shows up here). */
  readonly slowestSecondCalls: number;
  readonly memory: MemoryReport;
  /** Open connections the debug page reported once every client had closed. */
  readonly connectionsAfter: number;
  /** Echo handlers still running on the server after the load. */
  readonly handlersRunningAfter: number;
  /** The server's own handler counters after the load. */
  readonly serverHandlers: HandlerStats;
  /** Whether a fresh client of each codec was answered correctly after the load. */
  readonly freshClientOk: boolean;
  /** The server process's exit code after SIGTERM. */
  readonly serverExitCode: number | null;
  /** Why the run failed; empty when it passed. */
  readonly failures: readonly string[];
  readonly ok: boolean;
}

const CODECS: readonly SoakCodec[] = ['msgpack', 'gob', 'json'];

function maxSample(a: MemorySample, b: MemorySample): MemorySample {
  return {
    rss: Math.max(a.rss, b.rss),
    heapUsed: Math.max(a.heapUsed, b.heapUsed),
    heapTotal: Math.max(a.heapTotal, b.heapTotal),
    external: Math.max(a.external, b.external),
    arrayBuffers: Math.max(a.arrayBuffers, b.arrayBuffers),
  };
}

/** runLoad runs `clients` workers through a fresh fault proxy for `ms`, then stops and closes them all. */
async function runLoad(server: ServerProcess, o: SoakOptions, ms: number, rng: Random, ledger: Ledger, faults: FaultCounts, onTick?: () => Promise<void>): Promise<void> {
  const proxy = new FaultProxy(server.address);
  const address = await proxy.listen();
  const workers: SoakWorker[] = [];
  for (let i = 0; i < o.clients; i++) {
    const w = new SoakWorker({
      address,
      codec: CODECS[i % CODECS.length]!,
      lanes: o.lanes,
      chaosEveryMs: o.chaosEveryMs,
      rng: new Random(rng.int(0, 2 ** 31)),
      ledger,
      proxy,
      faults,
    });
    workers.push(w);
    w.start();
  }
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(Math.min(1000, end - Date.now()));
    await onTick?.();
  }
  await Promise.all(workers.map((w) => w.stop()));
  faults.proxyCuts = proxy.cuts;
  await proxy.close();
}

/** freshClientCheck dials the server directly with each codec and checks one echo. */
async function freshClientCheck(server: ServerProcess): Promise<boolean> {
  for (const codec of CODECS) {
    const client = await dialHTTP(server.address, { codec, timeout: 10_000 });
    try {
      const args: EchoArgs = { Id: 0, Token: `fresh-${codec}`, Payload: makePayload(100_000, codec === 'json') };
      const reply = await client.call<EchoReply>('Soak.Echo', args);
      if (reply.Token !== args.Token || !samePayload(args.Payload, reply.Payload)) return false;
    } finally {
      await client.close();
    }
  }
  return true;
}

/** runSoak runs one soak; see the module comment. It rejects only if the soak itself cannot run. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const rng = new Random(o.seed);
  const ledger = new Ledger();
  const faults = newFaultCounts();
  const failures: string[] = [];
  const server = await ServerProcess.start(o.handlerTimeoutMs, o.leakForSelfTest);
  try {
    log(`server on ${server.address}; warm-up ${o.warmupSeconds} s`);
    await runLoad(server, o, o.warmupSeconds * 1000, rng, ledger, faults);
    await server.waitForConnections(0, 10_000);
    await sleep(300);
    const before = await server.memory(true, 3);
    let peak = before;
    log(`baseline rss ${mib(before.rss)} heap ${mib(before.heapUsed)}; load ${o.seconds} s with ${o.clients} clients x ${o.lanes} calls in flight`);

    const t0 = performance.now();
    let lastLog = t0;
    let lastTick = t0;
    let lastSettled = ledger.settled;
    let settledAtLog = lastSettled;
    let slowestSecond = Infinity;
    await runLoad(server, o, o.seconds * 1000, rng, ledger, faults, async () => {
      const now = performance.now();
      const settled = ledger.settled;
      slowestSecond = Math.min(slowestSecond, Math.round(((settled - lastSettled) * 1000) / Math.max(1, now - lastTick)));
      lastSettled = settled;
      lastTick = now;
      const m = await server.memory(false);
      peak = maxSample(peak, m);
      if (now - lastLog >= 9_900) {
        const rate = Math.round(((settled - settledAtLog) * 1000) / (now - lastLog));
        log(`  ${((now - t0) / 1000).toFixed(0)} s: ${settled} calls settled (${rate}/s), server rss ${mib(m.rss)} heap ${mib(m.heapUsed)}`);
        lastLog = now;
        settledAtLog = settled;
      }
    });
    const durationMs = performance.now() - t0;
    log('load stopped, clients closed; waiting for the server to settle');

    const connectionsAfter = await server.waitForConnections(0, 15_000);
    const stats0 = await server.stats();
    let serverHandlers = stats0;
    for (let i = 0; i < 50 && serverHandlers.running > 0; i++) {
      await sleep(100);
      serverHandlers = await server.stats();
    }
    await sleep(300);
    const after = await server.memory(true, 3);
    const freshClientOk = await freshClientCheck(server).catch((e: unknown) => {
      failures.push(`fresh client failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    });
    const connectionsAtEnd = await server.waitForConnections(0, 10_000);

    const heapLimit = before.heapUsed + Math.max(MEMORY_TOLERANCE.heapBytes, before.heapUsed * MEMORY_TOLERANCE.heapRatio);
    const rssLimit = before.rss + MEMORY_TOLERANCE.rssBytes;
    const returned = after.heapUsed <= heapLimit && after.rss <= rssLimit;

    // Grace for callbacks still queued, then count.
    await sleep(200);
    const totals = ledger.totals();
    if (totals.lost > 0) failures.push(`${totals.lost} calls never settled (lost)`);
    if (totals.duplicated > 0) failures.push(`${totals.duplicated} calls settled more than once`);
    if (totals.wrong > 0) failures.push(`${totals.wrong} calls got another call's reply or error`);
    if (totals.unexpected > 0) failures.push(`${totals.unexpected} calls failed with an unexpected error`);
    if (!returned) failures.push(`server memory did not return: heap ${mib(after.heapUsed)} (limit ${mib(heapLimit)}), rss ${mib(after.rss)} (limit ${mib(rssLimit)})`);
    if (connectionsAfter !== 0 || connectionsAtEnd !== 0) failures.push(`server reports ${connectionsAfter} / ${connectionsAtEnd} open connections after every client closed`);
    if (serverHandlers.running !== 0) failures.push(`${serverHandlers.running} echo handlers still running on the server after the load`);
    if (!freshClientOk && !failures.some((f) => f.startsWith('fresh'))) failures.push('a fresh client got a wrong echo after the load');
    const serverExitCode = await server.stop();
    if (serverExitCode !== 0) failures.push(`server exited with ${serverExitCode} after SIGTERM: ${server.stderrText.trim().split('\n').slice(-3).join(' | ')}`);
    else if (server.stderrText.trim() !== '') failures.push(`server wrote to stderr: ${server.stderrText.trim().split('\n').slice(0, 3).join(' | ')}`);

    const { log: _log, ...options } = o;
    void _log;
    return {
      options,
      durationMs: Math.round(durationMs),
      totals,
      faults,
      slowestSecondCalls: slowestSecond === Infinity ? 0 : slowestSecond,
      callsPerSecond: Math.round(totals.calls / ((durationMs + o.warmupSeconds * 1000) / 1000)),
      memory: { before, peak, after, heapLimit, rssLimit, returned },
      connectionsAfter: Math.max(connectionsAfter, connectionsAtEnd),
      handlersRunningAfter: serverHandlers.running,
      serverHandlers,
      freshClientOk,
      serverExitCode,
      failures,
      ok: failures.length === 0,
    };
  } finally {
    await server.stop();
  }
}

/** mib formats a byte count in MiB. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
