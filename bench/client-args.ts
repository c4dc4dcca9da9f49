/** ClientArgs are the flags every Node benchmark client takes (the Go client takes the same). */
export interface ClientArgs {
  /** `host:port` of the server. */
  readonly addr: string;
  /** Scenario name (see scenarios.ts). */
  readonly scenario: string;
  /** Calls in flight per connection. */
  readonly inflight: number;
  /** Number of connections. */
  readonly conns: number;
  /** Warm-up time, ms. */
  readonly warmupMs: number;
  /** Measured time, ms. */
  readonly durationMs: number;
  /** Codec, for the netrpc client. */
  readonly codec: string;
}

/** parseClientArgs reads `-name=value` / `--name=value` flags from argv. */
export function parseClientArgs(argv: readonly string[]): ClientArgs {
  const flags = new Map<string, string>();
  for (const a of argv) {
    const m = /^--?([a-z]+)=(.*)$/.exec(a);
    if (m) flags.set(m[1]!, m[2]!);
  }
  const get = (name: string, fallback?: string): string => {
    const v = flags.get(name) ?? fallback;
    if (v === undefined) throw new Error(`missing flag -${name}`);
    return v;
  };
  return {
    addr: get('addr'),
    scenario: get('scenario'),
    inflight: Number(get('inflight', '1')),
    conns: Number(get('conns', '1')),
    warmupMs: Number(get('warmup', '1000')),
    durationMs: Number(get('duration', '3000')),
    codec: get('codec', 'msgpack'),
  };
}

/** toClientFlags turns settings into the flags parseClientArgs (and the Go client) read. */
export function toClientFlags(a: ClientArgs): string[] {
  return [
    `-addr=${a.addr}`,
    `-scenario=${a.scenario}`,
    `-inflight=${a.inflight}`,
    `-conns=${a.conns}`,
    `-warmup=${a.warmupMs}`,
    `-duration=${a.durationMs}`,
    `-codec=${a.codec}`,
  ];
}
