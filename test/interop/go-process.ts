import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** RunResult is the outcome of a finished Go program. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** runProgram runs a binary to completion (killed after `timeoutMs`) and collects its output. */
export function runProgram(binary: string, args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** parseJsonLines parses one JSON value per non-empty line. */
export function parseJsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** StartedServer is a long-running program that printed `listening HOST:PORT`. */
export interface StartedServer {
  readonly child: ChildProcess;
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * startListeningProgram starts a server program and resolves with the
 * address from its first stdout line matching `listening HOST:PORT`.
 */
export function startListeningProgram(binary: string, args: readonly string[] = [], timeoutMs = 15_000): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${binary} did not start: ${out}${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (?:on )?(\S+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          address: m[1]!,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGKILL');
            }),
        });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited with ${code}: ${out}${err}`));
    });
  });
}
