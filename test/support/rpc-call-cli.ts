/**
 * One run of the `rpc-call` CLI to its end, for tests of what it prints and
 * how it exits.
 */
import { startCli } from '../cli/cli-process.js';

/** CliResult is how a CLI process ended and everything it printed. */
export interface CliResult {
  /** The exit code, or the signal name when a signal ended it. */
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * rpcCall runs `rpc-call ...args` (built, from dist/) with `options`
 * (stdin, extra environment, working folder) and resolves once it exits.
 */
export async function rpcCall(args: readonly string[], options: Parameters<typeof startCli>[2] = {}): Promise<CliResult> {
  const run = startCli('rpc-call', args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
