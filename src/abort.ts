import { ErrorCode, RpcError } from './errors.js';

/**
 * abortedError is the RPC_ABORTED error for `what` (a service method, or
 * `CONNECT to host:port`) ended by `signal`; the signal's reason is its
 * `cause`. `unsent` marks a call that never reached a socket.
 */
export function abortedError(what: string, signal: AbortSignal, unsent = false): RpcError {
  return new RpcError(ErrorCode.Aborted, `rpc: ${what} aborted`, { cause: signal.reason, unsent });
}

/**
 * untilAborted settles `work` as it settles, unless `signal` fires first:
 * then it rejects at once with abortedError (and `onAbort` runs, to free
 * what the work holds). Without a signal it is `work` itself. The
 * listener is removed when either side settles.
 */
export function untilAborted<T>(work: Promise<T>, what: string, signal: AbortSignal | undefined, onAbort?: () => void, unsent = false): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(abortedError(what, signal, unsent));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}
