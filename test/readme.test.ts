import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function codeBlock(marker: string): string {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.startsWith(marker));
  if (!block) throw new Error(`README has no ts block starting with ${marker}`);
  return block;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('README', () => {
  it('the TypeScript quick start runs and prints what it says', async () => {
    const port = await freePort();
    const source = codeBlock('// quickstart.mts')
      .replace("from 'netrpc'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`)
      .replaceAll('1234', String(port));
    const dir = mkdtempSync(join(tmpdir(), 'netrpc-readme-'));
    const file = join(dir, 'quickstart.mts');
    writeFileSync(file, source);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 15_000 });
    expect(stdout).toBe('56\nremote error: divide by zero\n');
  });
});
