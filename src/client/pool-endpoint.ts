import { ErrorCode, RpcError } from '../errors.js';
import { timerDelay } from '../timer-delay.js';
import type { Client } from './client.js';

/** EndpointState is where a pool endpoint is: see EndpointStatus. */
export type EndpointState = 'ready' | 'connecting' | 'down' | 'draining';

/** EndpointHost is what an endpoint needs from its pool. */
export interface EndpointHost {
  readonly closed: boolean;
  /** dial opens a connection to the endpoint. */
  dial(endpoint: PoolEndpoint): Promise<Client>;
  /** failed is told when a dial fails or a connection ends with an error. */
  failed(endpoint: PoolEndpoint): void;
  /** retired is told when a removed endpoint has finished its calls and closed. */
  retired(endpoint: PoolEndpoint): void;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * PoolEndpoint is one address of a pool: at most one connection, redialed
 * with exponential backoff and jitter after failures. It counts the pool's
 * calls running on it, so a removed endpoint (gone from DNS) closes only
 * once they have finished. A connection whose server asked it to go away
 * (see src/goaway.ts) or refused a call with the drain refusal takes no
 * new calls; the server closes it once its running calls are answered,
 * and the endpoint redials at once.
 */
export class PoolEndpoint {
  readonly address: string;
  /** The DNS name the address came from (TLS server name), if any. */
  readonly hostname: string | undefined;
  client: Client | undefined;
  connecting: Promise<void> | undefined;
  failures = 0;
  lastError: RpcError | undefined;
  /** Calls the pool is running on this endpoint. */
  active = 0;
  /** Removed from the pool's list: no new calls, closes when `active` is 0. */
  removed = false;
  private refusedClient: Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly host: EndpointHost;

  constructor(host: EndpointHost, address: string, hostname?: string) {
    this.host = host;
    this.address = address;
    this.hostname = hostname;
  }

  /** state is `ready` when calls can be sent now. */
  get state(): EndpointState {
    if (this.removed) return 'draining';
    if (this.client && !this.client.isClosed && !this.client.goingAway && this.client !== this.refusedClient) return 'ready';
    return this.connecting ? 'connecting' : 'down';
  }

  /**
   * drainRefused marks `client` as refusing calls (its server is draining,
   * or retiring the connection for its age: it said so with a goaway notice
   * or a drain refusal) and dials a replacement at once;
   * the refusing connection finishes its calls and its server closes it.
   */
  drainRefused(client: Client): void {
    if (this.client !== client || this.refusedClient === client) return;
    this.refusedClient = client;
    this.connect();
  }

  /** connect dials unless a dial is running, the endpoint was removed or the pool closed. */
  connect(): void {
    if (this.host.closed || this.removed || this.connecting) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connecting = this.host.dial(this).then(
      (client) => this.connected(client),
      (err: unknown) => {
        this.connecting = undefined;
        this.failures++;
        this.lastError = RpcError.from(err, ErrorCode.Connect);
        this.host.failed(this);
        this.scheduleRetry();
      },
    );
  }

  /** callEnded is told when a pool call on this endpoint ends. */
  callEnded(): void {
    this.active--;
    if (this.removed && this.active === 0) void this.close();
  }

  /** remove takes the endpoint out of service: it closes once its calls have finished. */
  remove(): void {
    this.removed = true;
    clearTimeout(this.retryTimer);
    if (this.active === 0) void this.close();
  }

  /** close ends the connection and any redial. */
  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    const client = this.client;
    await client?.close();
    if (this.removed) this.host.retired(this);
  }

  private connected(client: Client): void {
    this.connecting = undefined;
    if (this.host.closed || this.removed) {
      void client.close();
      return;
    }
    this.client = client;
    this.failures = 0;
    void client.whenGoingAway().then(() => this.drainRefused(client));
    void client.whenClosed().then((reason) => {
      if (this.client !== client || this.removed) return;
      this.lastError = reason;
      if (reason) this.host.failed(this);
      // A connection that worked gets one immediate redial; failures back off.
      this.connect();
    });
  }

  private scheduleRetry(): void {
    if (this.host.closed || this.removed) return;
    const { minBackoffMs: min, maxBackoffMs: max } = this.host;
    const delay = Math.min(max, min * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => this.connect(), timerDelay(delay));
    this.retryTimer.unref();
  }
}
