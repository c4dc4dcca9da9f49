/** ConnectionInfo describes where a connection came from and the limits it runs under. */
export interface ConnectionInfo {
  readonly codecName: string;
  readonly remoteAddress: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxMessageBytes: number;
  readonly maxInFlight: number;
  /** Time a handler may run before its call is answered with a timeout error; 0 for none. */
  readonly handlerTimeoutMs: number;
  /** Unsent reply bytes past which the server stops reading the connection. */
  readonly maxWriteBufferBytes: number;
  /** Time without traffic and without running calls after which the connection closes; 0 for none. */
  readonly idleTimeoutMs: number;
  /** Time a message may take from its first byte to its last, while the connection reads; past it the connection closes. */
  readonly messageTimeoutMs: number;
  /** Time the peer may take none of the reply bytes waiting for it; past it the connection closes. 0 for none. */
  readonly sendTimeoutMs: number;
  /** Time the connection waits for the peer to close after ending it (once the replies are out). */
  readonly lingerMs: number;
  /** Age (±10 %) past which the connection refuses new calls and ends once quiet; 0 for none. */
  readonly maxConnectionAgeMs?: number;
  /** The peer promised keepalive pings (see src/keepalive-wire.ts): nothing from it for this long and it is taken for dead; 0 or absent for none. */
  readonly peerSilenceMs?: number;
  /** The peer asked for the drain signal on its CONNECT (see src/goaway.ts). */
  readonly wantsGoaway?: boolean;
}
