import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function codeBlock(marker: string): string {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.startsWith(marker));
  if (!block) throw new Error(`README has no ts block starting with ${marker}`);
  return block;
}

/** scratchDir is a fresh folder inside node_modules, so examples resolve the project's packages. */
function scratchDir(): string {
  const base = join(root, 'node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'netrpc-readme-'));
}


describe('README', () => {
  it('the TypeScript quick start runs and prints what it says', async () => {
    const port = await freePort();
    const source = codeBlock('// quickstart.mts')
      .replace("from 'netrpc'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`)
      .replaceAll('1234', String(port));
    const dir = scratchDir();
    const file = join(dir, 'quickstart.mts');
    writeFileSync(file, source);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 15_000 });
    expect(stdout).toBe('56\nremote error: divide by zero\n');
  });

  it('the typed contract example runs and prints what its comments say', async () => {
    const source = codeBlock('// contract.mts').replace("from 'netrpc'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
    const dir = scratchDir();
    const file = join(dir, 'contract.mts');
    writeFileSync(file, source);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 15_000 });
    const printed = [...source.matchAll(/console\.log\([^;]*; \/\/ (.*)$|^\/\/ (rpc: .*)$/gm)].map((m) => m[1] ?? m[2]);
    expect(stdout).toBe(printed.map((l) => `${l}\n`).join(''));
  });
});
