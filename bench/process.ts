import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ClientResult } from './result.js';

/** Command is a program and its arguments. */
export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** nodeScript is the command that runs a TypeScript file of bench/ under tsx. */
export function nodeScript(relative: string, args: readonly string[] = []): Command {
  const path = new URL(relative, import.meta.url).pathname;
  return { file: process.execPath, args: ['--import', 'tsx', path, ...args] };
}

/** RunningServer is a server process that printed `listening HOST:PORT`. */
export interface RunningServer {
  readonly address: string;
  readonly child: ChildProcess;
  /** stop ends the process (SIGTERM, then SIGKILL after 2 s) and waits for it. */
  stop(): Promise<void>;
}

/** startServer starts `cmd` and resolves once it prints `listening HOST:PORT`. */
export function startServer(cmd: Command, timeoutMs = 20_000): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${out}${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ address: m[1]!, child, stop });
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** runClient runs a benchmark client to completion and parses its JSON result line. */
export function runClient(cmd: Command, timeoutMs: number): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code === 0 && line) return resolve(JSON.parse(line) as ClientResult);
      const why = err.split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l)).slice(-3).join(' | ');
      reject(new Error(`client failed (exit ${code}): ${why || out.trim()}`));
    });
  });
}
