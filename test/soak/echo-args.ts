/**
 * The shape of the soak's echo call, shared by the runner (which sends it)
 * and the child server (which answers it). Field names are capitalised so
 * the gob codec sends them as exported Go struct fields.
 */

/** EchoArgs is what every soak call sends. */
export interface EchoArgs {
  /** The call's id in the runner's ledger. */
  readonly Id: number;
  /** A value unique to this call; the reply must carry it back. */
  readonly Token: string;
  /** Random bytes (or text for json) echoed back unchanged. */
  readonly Payload: string | Uint8Array;
  /** How long the handler waits before answering, in ms (0: at once). */
  readonly DelayMs?: number;
  /** When true the handler throws {@link injectedFailure}. */
  readonly Fail?: boolean;
}

/** EchoReply is what the handler returns on success. */
export interface EchoReply {
  /** The call's Id, echoed. */
  readonly Id: number;
  /** The call's Token, echoed. */
  readonly Token: string;
  /** The call's Payload, echoed. */
  readonly Payload: string | Uint8Array;
}

/** injectedFailure is the message of an injected handler error; it names the call so a misrouted error is caught. */
export function injectedFailure(token: string): string {
  return `soak: injected failure for ${token}`;
}

/** MemorySample is the subset of `process.memoryUsage()` the server reports. */
export interface MemorySample {
  /** Resident set size, in bytes. */
  readonly rss: number;
  /** V8 heap in use, in bytes (the leak signal after a full gc). */
  readonly heapUsed: number;
  /** V8 heap reserved, in bytes. */
  readonly heapTotal: number;
  /** Memory of C++ objects bound to JS objects, in bytes. */
  readonly external: number;
  /** ArrayBuffers and Buffers, in bytes (part of external). */
  readonly arrayBuffers: number;
}

/** HandlerStats are the child server's own counters of echo handlers. */
export interface HandlerStats {
  /** Echo handlers started. */
  readonly started: number;
  /** Echo handlers still running (must be 0 once the load has stopped). */
  readonly running: number;
  /** Handlers whose `ctx.signal` fired, by the reason's code. */
  readonly aborted: Readonly<Record<string, number>>;
}
