import { ErrorCode, RpcError } from '../errors.js';
import { timerDelay } from '../timer-delay.js';

/** KEEPALIVE_METHOD is the reserved method a keepalive ping calls; any answer, an error included, is a sign of life. */
export const KEEPALIVE_METHOD = '_goRPC_.Ping';

/** Pingable is what keepalive needs from a Client. */
export interface Pingable {
  readonly isClosed: boolean;
  /** send makes a call past the client's interceptors and tracing: pings are not the application's calls. */
  send(serviceMethod: string, args: unknown, options: { signal: AbortSignal; timeout: number }): Promise<unknown>;
  /** lose ends the connection as broken: pending calls fail with `err`. */
  lose(err: RpcError): void;
  whenClosed(): Promise<unknown>;
}

/** DEFAULT_KEEPALIVE_TIMEOUT_MS is how long a ping may go unanswered unless `keepaliveTimeoutMs` says otherwise. */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;

/** KeepaliveOptions: ping every `intervalMs`; a ping unanswered after `timeoutMs` ends the connection. */
export interface KeepaliveOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * startKeepalive pings the peer every `intervalMs` with a call to
 * KEEPALIVE_METHOD (a stock Go server answers "can't find service", which
 * counts: it answered). When no answer comes within `timeoutMs` the peer is
 * taken for frozen or gone and the connection ends: every pending call
 * fails with RPC_CONNECTION_LOST. Its timers never keep the process alive;
 * it stops when the connection closes.
 */
export function startKeepalive(client: Pingable, options: KeepaliveOptions): void {
  const { intervalMs, timeoutMs } = options;
  let inFlight = false;
  const ping = (): void => {
    if (inFlight || client.isClosed) return;
    inFlight = true;
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), timerDelay(timeoutMs));
    deadline.unref();
    client.send(KEEPALIVE_METHOD, null, { signal: controller.signal, timeout: 0 }).then(
      () => answered(),
      (err: unknown) => {
        if (err instanceof RpcError && err.code === ErrorCode.Aborted && controller.signal.aborted) {
          client.lose(new RpcError(ErrorCode.ConnectionLost, `rpc: connection lost: no keepalive answer within ${timeoutMs} ms`));
        } else answered(); // an error reply is an answer too; a closed connection ends the loop below
      },
    );
    function answered(): void {
      clearTimeout(deadline);
      inFlight = false;
    }
  };
  const timer = setInterval(ping, timerDelay(intervalMs));
  timer.unref();
  void client.whenClosed().then(() => clearInterval(timer));
}
