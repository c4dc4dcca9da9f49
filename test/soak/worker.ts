/**
 * SoakWorker is one simulated client: it keeps `lanes` calls in flight
 * on one connection (each lane makes one call after another) with random
 * payloads, delays, failures, timeouts and aborts, and a chaos loop that
 * now and then breaks its connection mid-call: destroys the client's
 * socket, has the fault proxy reset a connection, or restarts the client
 * (close with calls pending, then dial again). Broken clients are dialed
 * again by the next lane that needs one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dialHTTP } from '../../src/index.js';
import type { Client } from '../../src/index.js';
import { destroyClientSocket } from './client-socket.js';
import type { EchoArgs } from './echo-args.js';
import type { FaultProxy } from './fault-proxy.js';
import type { Ledger } from './ledger.js';
import { makePayload, payloadBytes, payloadSize } from './payload.js';
import type { Random } from './random.js';

/** SoakCodec names the wire formats the soak drives. */
export type SoakCodec = 'msgpack' | 'gob' | 'json';

/** FaultCounts says how many faults of each kind were injected. */
export interface FaultCounts {
  /** Client sockets destroyed from the client side. */
  socketDestroys: number;
  /** Connections reset by the fault proxy (both legs). */
  proxyCuts: number;
  /** Clients closed with calls pending and dialed again. */
  restarts: number;
  /** Calls given a per-call `timeout`. */
  timeouts: number;
  /** Calls given an AbortSignal that fires at a random time. */
  signals: number;
  /** Calls asking the handler to throw. */
  failures: number;
  /** Calls asking the handler to wait. */
  delays: number;
  /** Dials that failed (a cut may land on a handshake); not counted as calls. */
  dialFailures: number;
  /** Dials made, the first one of each worker included. */
  dials: number;
  /** Failed dials by error code and message (numbers stripped). */
  dialErrors: Record<string, number>;
  /** Slowest dial, failed or not, in ms. */
  maxDialMs: number;
}

/** newFaultCounts returns zeroed counters. */
export function newFaultCounts(): FaultCounts {
  return { socketDestroys: 0, proxyCuts: 0, restarts: 0, timeouts: 0, signals: 0, failures: 0, delays: 0, dialFailures: 0, dials: 0, dialErrors: {}, maxDialMs: 0 };
}

/** WorkerOptions configure a SoakWorker. */
export interface WorkerOptions {
  /** Where to dial (the fault proxy). */
  readonly address: string;
  readonly codec: SoakCodec;
  /** Calls kept in flight at once. */
  readonly lanes: number;
  /** Mean time between chaos events of this worker, in ms. */
  readonly chaosEveryMs: number;
  readonly rng: Random;
  readonly ledger: Ledger;
  readonly proxy: FaultProxy;
  readonly faults: FaultCounts;
}

/** SoakWorker drives one client connection; see the module comment. */
export class SoakWorker {
  private readonly o: WorkerOptions;
  private client: Client | undefined;
  private dialing: Promise<Client | undefined> | undefined;
  private stopped = false;
  private readonly wake = new AbortController();
  private running: Promise<unknown> | undefined;

  /** `options` say where to dial and what to count into. */
  constructor(options: WorkerOptions) {
    this.o = options;
  }

  /** start begins the lanes and the chaos loop. */
  start(): void {
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.o.lanes; i++) loops.push(this.lane());
    loops.push(this.chaos());
    this.running = Promise.all(loops);
  }

  /**
   * stop makes no more calls, closes the client (its pending calls reject
   * with RPC_SHUTDOWN) and waits for the lanes to finish.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    const dialing = this.dialing;
    await this.client?.close();
    if (dialing) await (await dialing)?.close();
    await this.running;
  }

  private async getClient(): Promise<Client | undefined> {
    if (this.client && !this.client.isClosed) return this.client;
    if (!this.dialing) {
      const faults = this.o.faults;
      faults.dials++;
      const t0 = performance.now();
      const took = (): void => {
        faults.maxDialMs = Math.max(faults.maxDialMs, Math.round(performance.now() - t0));
      };
      this.dialing = dialHTTP(this.o.address, { codec: this.o.codec, connectTimeout: 5000 }).then(
        (c) => {
          took();
          this.dialing = undefined;
          if (this.stopped) {
            void c.close();
            return undefined;
          }
          this.client = c;
          return c;
        },
        (err: unknown) => {
          took();
          this.dialing = undefined;
          faults.dialFailures++;
          const key = `${(err as { code?: string }).code ?? '?'}: ${err instanceof Error ? err.message.replace(/\d+/g, 'N') : String(err)}`;
          faults.dialErrors[key] = (faults.dialErrors[key] ?? 0) + 1;
          return undefined;
        },
      );
    }
    return this.dialing;
  }

  private async lane(): Promise<void> {
    while (!this.stopped) {
      const client = await this.getClient();
      if (!client) {
        if (!this.stopped) await sleep(20);
        continue;
      }
      await this.oneCall(client);
    }
  }

  private async oneCall(client: Client): Promise<void> {
    const { rng, ledger, faults } = this.o;
    const id = ledger.newId();
    const token = `${this.o.codec}-${id}-${rng.next().toString(36).slice(2)}`;
    const payload = makePayload(payloadSize(rng), this.o.codec === 'json' || rng.chance(0.5));
    const d = rng.next();
    const delayMs = d < 0.55 ? 0 : d < 0.9 ? rng.int(1, 30) : d < 0.99 ? rng.int(31, 200) : rng.int(1200, 2500);
    const fail = rng.chance(0.08);
    if (delayMs > 0) faults.delays++;
    if (fail) faults.failures++;
    const args: EchoArgs = { Id: id, Token: token, Payload: payload, ...(delayMs > 0 ? { DelayMs: delayMs } : {}), ...(fail ? { Fail: true } : {}) };

    let timer: NodeJS.Timeout | undefined;
    let abortNow: AbortController | undefined;
    const options: { timeout?: number; signal?: AbortSignal } = {};
    if (rng.chance(0.1)) {
      options.timeout = rng.int(1, 120);
      faults.timeouts++;
    }
    const s = rng.next();
    if (s < 0.08) {
      const ac = new AbortController();
      timer = setTimeout(() => ac.abort(new Error('soak: random abort')), rng.int(0, 120));
      options.signal = ac.signal;
      faults.signals++;
    } else if (s < 0.09) {
      options.signal = AbortSignal.timeout(rng.int(1, 120));
      faults.signals++;
    } else if (s < 0.095) {
      const ac = new AbortController();
      ac.abort(new Error('soak: aborted before the call'));
      options.signal = ac.signal;
      faults.signals++;
    } else if (s < 0.1) {
      abortNow = new AbortController();
      options.signal = abortNow.signal;
      faults.signals++;
    }
    const promise = client.call('Soak.Echo', args, options);
    // Abort in the same tick as the call, before its request is flushed.
    abortNow?.abort(new Error('soak: aborted in the same tick'));
    await ledger.track(args, payloadBytes(payload), promise);
    if (timer !== undefined) clearTimeout(timer);
  }

  private async chaos(): Promise<void> {
    const { rng, faults, proxy } = this.o;
    while (!this.stopped) {
      try {
        await sleep(rng.int(1, 2 * this.o.chaosEveryMs), undefined, { signal: this.wake.signal });
      } catch {
        return;
      }
      const client = this.client;
      if (this.stopped || !client || client.isClosed || client.pendingCount === 0) continue;
      const r = rng.next();
      if (r < 0.4) {
        if (destroyClientSocket(client)) faults.socketDestroys++;
      } else if (r < 0.7) {
        if (proxy.cutRandom(rng.next())) faults.proxyCuts++;
      } else {
        faults.restarts++;
        await client.close();
      }
    }
  }
}
