import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, startCli } from './cli-process.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The first fenced block after the README's `## \`name\`` heading. */
function usageBlock(name: string): string {
  const heading = readme.indexOf(`## \`${name}\``);
  expect(heading, `README has a ## \`${name}\` section`).toBeGreaterThan(0);
  const m = /```\n([\s\S]*?)```/.exec(readme.slice(heading));
  return m![1]!;
}

function longFlags(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))].sort();
}

/** The flags `--help` documents: the first word of each line of its Options section. */
async function helpFlags(name: string): Promise<string[]> {
  const run = startCli(name, ['--help']);
  expect(await run.exited).toBe(0);
  const options = run.stdout().split('\nOptions:\n')[1]!.split('\n\n')[0]!;
  return [...new Set([...options.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!))].sort();
}

describe.each(['rpc-serve', 'rpc-call'])("README's usage block for %s", (name) => {
  it('lists every flag --help lists, and no other', async () => {
    const help = await helpFlags(name);
    const documented = longFlags(usageBlock(name));
    expect(help.length).toBeGreaterThan(10);
    expect({ missingFromReadme: help.filter((f) => !documented.includes(f)), notInHelp: documented.filter((f) => !help.includes(f)) }).toEqual({
      missingFromReadme: [],
      notInHelp: [],
    });
  });
});
