import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * packageVersion is the `version` of netrpc's package.json, found by
 * walking up from this file (the same from the sources and the built
 * `dist/`). Throws when no netrpc package.json is above this file.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'netrpc' && typeof pkg.version === 'string') return (cached = pkg.version);
    }
    if (dirname(dir) === dir) throw new Error('netrpc: package.json not found above the CLI');
  }
}

/** versionLine is what `--version` prints: `rpc-serve 0.1.0 (node v20.20.2)`. */
export function versionLine(program: string): string {
  return `${program} ${packageVersion()} (node ${process.version})\n`;
}
