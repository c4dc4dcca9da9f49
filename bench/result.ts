/** ClientResult is what every benchmark client (Node or Go) prints as one JSON line. */
export interface ClientResult {
  /** Calls completed in the measured window. */
  readonly calls: number;
  /** Length of the measured window, in seconds. */
  readonly seconds: number;
  /** Median call latency, µs. */
  readonly p50: number;
  /** 99th-percentile call latency, µs. */
  readonly p99: number;
  /** Payload bytes moved in the measured window (request + reply payloads). */
  readonly bytes: number;
}

/** printResult writes a result as the client's single JSON output line. */
export function printResult(result: ClientResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
