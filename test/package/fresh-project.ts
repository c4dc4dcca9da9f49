import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../cli/cli-process.js';

const run = promisify(execFile);

/** The environment for npm and the project's programs: this process's, without what an npm script put there. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Output of a finished command; `code` is 0 on success. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** command runs a program in `cwd` and resolves with its output, whatever its exit code. */
export async function command(cwd: string, file: string, args: readonly string[], timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, [...args], { cwd, env: cleanEnv(env), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/**
 * packTarball packs this repository (its built dist/, as `npm pack`
 * would publish it) into a fresh folder and resolves with the tarball's
 * path. The suite builds dist/ first (`pretest`).
 */
export async function packTarball(): Promise<string> {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'index.js'))) throw new Error('dist/ is not built: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-pack-'));
  const r = await command(repoRoot, 'npm', ['pack', '--ignore-scripts', '--pack-destination', dir]);
  if (r.code !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  return join(dir, r.stdout.trim().split('\n').pop()!);
}

/** freshProject makes a folder with `npm init -y` (CommonJS by default), optionally `"type": "module"`. */
export async function freshProject(type: 'commonjs' | 'module' = 'commonjs'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `netrpc-app-${type}-`));
  const init = await command(dir, 'npm', ['init', '-y']);
  if (init.code !== 0) throw new Error(`npm init failed: ${init.stderr}`);
  if (type === 'module') await command(dir, 'npm', ['pkg', 'set', 'type=module']);
  return dir;
}

/** npmInstall runs `npm install --prefer-offline` in a project (the shared npm cache, the registry for what it lacks). */
export function npmInstall(dir: string, args: readonly string[]): Promise<CommandResult> {
  return command(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], 180_000);
}
