/**
 * Helpers of the rpc-gen tests: contracts generated from a Go package,
 * imported as a real module, and type-checked by tsc as a user's project
 * would compile them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { generateContracts } from '../../src/gen/contracts-module.js';
import type { GeneratedContracts, GenerateOptions } from '../../src/gen/contracts-module.js';
import { readGoModel } from '../../src/gen/run-go-model.js';
import type { ServiceContract } from '../../src/contract/contract.js';

const run = promisify(execFile);

/** repoRoot is the repository's folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** generateFrom reads the Go package in `dir` and generates its contracts module. */
export async function generateFrom(dir: string, options: GenerateOptions = {}): Promise<GeneratedContracts> {
  return generateContracts(await readGoModel(dir, { env: { ...process.env, GOFLAGS: '' } }), options);
}

/**
 * importGenerated writes a generated module to a fresh folder, its `netrpc`
 * and `zod` imports pointed at this checkout's, and imports it.
 */
export async function importGenerated(source: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-gen-module-'));
  const zod = import.meta.resolve('zod');
  const program = source
    .replace("from 'netrpc'", `from ${JSON.stringify(pathToFileURL(join(repoRoot, 'src/index.ts')).href)}`)
    .replace("from 'zod'", `from ${JSON.stringify(zod)}`);
  const file = join(dir, 'contracts.ts');
  writeFileSync(file, program);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** contractOf is the contract a generated module exports as `name`. */
export function contractOf(mod: Record<string, unknown>, name: string): ServiceContract {
  const c = mod[name] as ServiceContract | undefined;
  if (c?.kind !== 'netrpc.contract') throw new Error(`the generated module exports no contract ${name}`);
  return c;
}

/** TypecheckResult is tsc's verdict: exit code and its messages. */
export interface TypecheckResult {
  readonly code: number;
  readonly output: string;
}

/**
 * typecheck compiles `files` (name → source) with tsc under `strict`, in a
 * scratch project inside node_modules (so `zod` resolves) where `netrpc`
 * maps to this checkout's sources, with `resolution` nodenext or bundler.
 * `extra` files (a consumer of the module) are checked with them.
 */
export async function typecheck(files: Readonly<Record<string, string>>, resolution: 'nodenext' | 'bundler'): Promise<TypecheckResult> {
  const base = join(repoRoot, 'node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'netrpc-gen-tsc-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const compilerOptions = {
    strict: true,
    target: 'ES2022',
    ...(resolution === 'nodenext' ? { module: 'NodeNext', moduleResolution: 'NodeNext' } : { module: 'ESNext', moduleResolution: 'Bundler' }),
    noEmit: true,
    skipLibCheck: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    verbatimModuleSyntax: true,
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
    paths: { netrpc: [join(repoRoot, 'src', 'index.ts')] },
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: Object.keys(files) }));
  try {
    const { stdout } = await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], { timeout: 120_000 });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
