/**
 * The soak's server, run as its own process with `--expose-gc` so its
 * memory can be measured apart from the clients':
 *
 *   node --expose-gc --import tsx test/soak/soak-server.ts [--handler-timeout MS]
 *
 * It listens on 127.0.0.1 (a free port), prints `listening HOST:PORT`, and
 * serves `Soak.Echo` (echo with an optional delay or failure),
 * `Soak.Memory` (runs gc when asked, returns `process.memoryUsage()`) and
 * `Soak.Stats` (handler counters). SIGTERM closes it gracefully.
 * `--leak` makes Echo keep every payload it sees: a deliberate leak, to
 * show that the soak's memory check fails when it should.
 */
import { Server } from '../../src/index.js';
import type { CallContext } from '../../src/index.js';
import { injectedFailure } from './echo-args.js';
import type { EchoArgs, EchoReply, HandlerStats, MemorySample } from './echo-args.js';

const handlerTimeoutMs = Number(process.argv[process.argv.indexOf('--handler-timeout') + 1] ?? 0) || 1500;

const leak = process.argv.includes('--leak');
const leaked: unknown[] = [];
let started = 0;
let running = 0;
const aborted: Record<string, number> = {};

/** wait resolves after `ms`, or rejects as soon as `signal` fires, leaving no timer behind. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function reasonCode(reason: unknown): string {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'other';
}

async function gcFully(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
  }
}

const server = new Server({ handlerTimeoutMs });
server.register('Soak', {
  async Echo(args: EchoArgs, ctx: CallContext): Promise<EchoReply> {
    started++;
    running++;
    const onAbort = (): void => {
      const code = reasonCode(ctx.signal.reason);
      aborted[code] = (aborted[code] ?? 0) + 1;
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (leak) leaked.push(args.Payload);
      if (args.DelayMs) await wait(args.DelayMs, ctx.signal);
      if (args.Fail) throw new Error(injectedFailure(args.Token));
      return { Id: args.Id, Token: args.Token, Payload: args.Payload };
    } finally {
      running--;
      ctx.signal.removeEventListener('abort', onAbort);
    }
  },
  async Memory(args: { Gc?: boolean } | null): Promise<MemorySample> {
    if (args?.Gc) await gcFully();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  },
  Stats(): HandlerStats {
    return { started, running, aborted: { ...aborted } };
  },
});

const { address, port } = await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}:${port}\n`);

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void server.close(2000).then(() => process.exit(0));
});
