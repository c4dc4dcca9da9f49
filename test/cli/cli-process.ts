import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** repoRoot is the project folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** CliRun is a started CLI process with its output so far. */
export interface CliRun {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
  /** Resolves once stdout matches `pattern`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
}

/** startCli runs `node dist/bin/<name>.js ...args` from the project folder (or from `cwd`). */
export function startCli(name: string, args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bin', `${name}.js`), ...args], {
    cwd: options.cwd ?? repoRoot,
    stdio: 'pipe',
    env: { ...process.env, ...options.env },
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitForOutput = (pattern: RegExp, ms = 10_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${pattern} in output: ${out} ${err}`));
      }, ms);
      const check = (): void => {
        const m = pattern.exec(out);
        if (m) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m);
        }
      };
      waiters.add(check);
      check();
      void exited.then(() => {
        if (waiters.has(check)) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`exited without ${pattern}: ${out} ${err}`));
        }
      });
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitForOutput };
}
