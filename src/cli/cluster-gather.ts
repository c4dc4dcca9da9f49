/**
 * Gathering a value from every worker of a cluster (rpc-serve --workers):
 * the worker that was asked (say, for /metrics) sends the primary a
 * request; the primary asks every live worker, itself included, and
 * answers the requester with all the values it got within the time limit.
 * Workers cannot reach each other, so the primary relays; it never
 * computes anything. {@link GatherRelay} is the primary's half,
 * {@link answerGathers} and {@link gatherFromCluster} the worker's.
 */
import type { Worker } from 'node:cluster';

const GATHER = 'netrpc:gather';
const COLLECT = 'netrpc:collect';
const COLLECTED = 'netrpc:collected';
const GATHERED = 'netrpc:gathered';

/** GATHER_TIMEOUT_MS is how long the primary waits for workers' values; a worker that did not answer by then is left out. */
export const GATHER_TIMEOUT_MS = 2_000;

interface Message {
  readonly cmd: string;
  readonly id: number;
  readonly kind?: string;
  readonly value?: unknown;
  readonly values?: unknown[];
}

function isMessage(m: unknown, cmd: string): m is Message {
  return typeof m === 'object' && m !== null && (m as Message).cmd === cmd && typeof (m as Message).id === 'number';
}

interface Collection {
  readonly requester: Worker;
  readonly requestId: number;
  readonly waiting: Set<Worker>;
  readonly values: unknown[];
  readonly timer: NodeJS.Timeout;
}

/**
 * GatherRelay is the primary's side: hand it every message from a worker
 * (onMessage) and every worker that exits (workerGone).
 */
export class GatherRelay {
  private readonly workers: () => Iterable<Worker>;
  private readonly collections = new Map<number, Collection>();
  private nextId = 1;

  /** `workers` lists the live workers to ask. */
  constructor(workers: () => Iterable<Worker>) {
    this.workers = workers;
  }

  /** onMessage handles a worker's gather request or collected value; other messages are ignored. */
  onMessage(worker: Worker, m: unknown): void {
    if (isMessage(m, GATHER) && typeof m.kind === 'string') return this.start(worker, m.id, m.kind);
    if (isMessage(m, COLLECTED)) {
      const c = this.collections.get(m.id);
      if (!c || !c.waiting.delete(worker)) return;
      if (m.value !== undefined) c.values.push(m.value);
      if (c.waiting.size === 0) this.finish(m.id);
    }
  }

  /** workerGone stops waiting for a worker that exited. */
  workerGone(worker: Worker): void {
    for (const [id, c] of this.collections) {
      if (c.requester === worker) {
        clearTimeout(c.timer);
        this.collections.delete(id);
      } else if (c.waiting.delete(worker) && c.waiting.size === 0) {
        this.finish(id);
      }
    }
  }

  private start(requester: Worker, requestId: number, kind: string): void {
    const id = this.nextId++;
    const waiting = new Set([...this.workers()].filter((w) => w.isConnected()));
    const timer = setTimeout(() => this.finish(id), GATHER_TIMEOUT_MS);
    timer.unref();
    this.collections.set(id, { requester, requestId, waiting, values: [], timer });
    for (const w of waiting) w.send({ cmd: COLLECT, id, kind } satisfies Message);
    if (waiting.size === 0) this.finish(id);
  }

  private finish(id: number): void {
    const c = this.collections.get(id);
    if (!c) return;
    this.collections.delete(id);
    clearTimeout(c.timer);
    if (c.requester.isConnected()) c.requester.send({ cmd: GATHERED, id: c.requestId, values: c.values } satisfies Message);
  }
}

type Collector = () => unknown | Promise<unknown>;

const collectors = new Map<string, Collector>();
const requests = new Map<number, (values: unknown[]) => void>();
let nextRequest = 1;
let listening = false;

function onPrimaryMessage(m: unknown): void {
  if (isMessage(m, COLLECT)) {
    const collect = typeof m.kind === 'string' ? collectors.get(m.kind) : undefined;
    const reply = (value: unknown): void => void process.send?.({ cmd: COLLECTED, id: m.id, value } satisfies Message);
    if (!collect) return reply(undefined);
    Promise.resolve()
      .then(collect)
      .then(reply, () => reply(undefined));
  } else if (isMessage(m, GATHERED)) {
    const resolve = requests.get(m.id);
    requests.delete(m.id);
    resolve?.(Array.isArray(m.values) ? m.values : []);
  }
}

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('message', onPrimaryMessage);
}

/**
 * answerGathers makes this worker answer gathers of `kind` with what
 * `collect` returns (a value IPC can carry: JSON-like). A worker asked for
 * a kind it has no collector for answers nothing, and is left out.
 */
export function answerGathers(kind: string, collect: Collector): void {
  collectors.set(kind, collect);
  listen();
}

/**
 * gatherFromCluster asks every worker of this cluster (this one included)
 * for its value of `kind` and resolves with those that came within
 * GATHER_TIMEOUT_MS (the primary's limit; this side waits a little longer
 * and then resolves with none). Only for a process forked by runCluster.
 */
export function gatherFromCluster(kind: string): Promise<unknown[]> {
  listen();
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      requests.delete(id);
      resolve([]);
    }, GATHER_TIMEOUT_MS + 1_000);
    timer.unref();
    requests.set(id, (values) => {
      clearTimeout(timer);
      resolve(values);
    });
    if (!process.send) {
      requests.delete(id);
      clearTimeout(timer);
      reject(new Error('rpc: gatherFromCluster needs a cluster worker'));
      return;
    }
    process.send({ cmd: GATHER, id, kind } satisfies Message);
  });
}
