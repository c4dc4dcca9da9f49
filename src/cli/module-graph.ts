import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Relative specifiers in `import ... from`, `export ... from`, `import '...'`, `import('...')` and `require('...')`. */
const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"\n]+)\1/g;

/** The files a relative specifier may name: as written, TypeScript's .js → .ts spellings, and index files. */
function candidates(base: string): string[] {
  const swapped = base.replace(/\.(m|c)?js$/, (_, k: string | undefined) => `.${k ?? ''}ts`);
  return [base, swapped, `${base}.ts`, `${base}.js`, `${base}.mjs`, `${base}.cjs`, join(base, 'index.ts'), join(base, 'index.js')];
}

/** resolveRelative finds the file that `specifier` names when imported from `importer`, or undefined. */
export function resolveRelative(importer: string, specifier: string): string | undefined {
  const base = resolve(dirname(importer), specifier);
  return candidates(base).find((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * localModules lists `entry` and the files it imports through relative
 * specifiers, transitively, in the order found, at most `limit` files.
 * It reads the sources with a pattern, not a parser: it is for pointing
 * at the file behind an error, not for loading.
 */
export function localModules(entry: string, limit = 50): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0 && seen.size < limit) {
    const file = queue.shift()!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(RELATIVE_SPECIFIER)) {
      const found = resolveRelative(file, m[2]!);
      if (found && !seen.has(found) && seen.size < limit) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return [...seen];
}

/** lineOf returns the 1-based number of the first line of `file` for which `test` holds, or undefined. */
export function lineOf(file: string, test: (line: string) => boolean): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const index = text.split('\n').findIndex(test);
  return index < 0 ? undefined : index + 1;
}
