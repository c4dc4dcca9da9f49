import { spawnSync } from 'node:child_process';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineOf, localModules } from './module-graph.js';

/** A place in a user's file: `services.mjs:3:7` (the column when known). */
interface Place {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

function toPath(fileOrUrl: string): string {
  return fileOrUrl.startsWith('file:') ? fileURLToPath(fileOrUrl) : fileOrUrl;
}

/** Describes a place relative to `cwd` when it is below it. */
function formatPlace({ file, line, column }: Place, cwd: string): string {
  const rel = relative(cwd, file);
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  return `${shown}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}`;
}

function isUserFile(file: string): boolean {
  return isAbsolute(file) && !file.split(/[\\/]/).includes('node_modules');
}

/** esbuild's (tsx's) transform errors: `/abs/file.ts:3:0: ERROR: Unexpected end of file`. */
function esbuildError(message: string): { place: Place; reason: string } | undefined {
  const m = /^(?:✘ \[ERROR\] )?(\/[^\n]+?|[A-Za-z]:\\[^\n]+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (!m || !/Transform failed|Build failed/.test(message)) return undefined;
  return { place: { file: m[1]!, line: Number(m[2]), column: Number(m[3]) + 1 }, reason: `SyntaxError: ${m[4]}` };
}

/** The `file:line` header Node puts above a CommonJS syntax error, with the caret line's column. */
function decoratedSyntaxError(stack: string): Place | undefined {
  const m = /^((?:file:\/\/)?\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+)\n([^\n]*)\n(\s*)\^/.exec(stack);
  if (!m) return undefined;
  return { file: toPath(m[1]!), line: Number(m[2]), column: m[4]!.length + 1 };
}

/** Asks `node --check` where the syntax error is in one of the files; ES modules' errors carry no place. */
function checkSyntax(files: readonly string[]): Place | undefined {
  for (const file of files) {
    if (!/\.(m|c)?js$/.test(file)) continue;
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) continue;
    const m = /^((?:file:\/\/)?\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+)$/m.exec(r.stderr ?? '');
    if (m) return { file: toPath(m[1]!), line: Number(m[2]) };
  }
  return undefined;
}

/** The first stack frame in a user's file (not Node's, not in node_modules). */
function firstUserFrame(stack: string): Place | undefined {
  for (const m of stack.matchAll(/(?:\(|\bat )((?:file:\/\/)?\/[^\s():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/gm)) {
    const file = toPath(m[1]!);
    if (isUserFile(file)) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Finds the import of a missing module: the line of `importer` that names it in quotes. */
function importLine(importer: string, missing: string): Place {
  const name = missing.startsWith('/') || missing.startsWith('file:') ? toPath(missing).split('/').pop()!.replace(/\.[^.]+$/, '') : missing;
  const line = lineOf(importer, (l) => new RegExp(`['"][^'"]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^'"]*['"]`).test(l));
  return { file: importer, ...(line !== undefined ? { line } : {}) };
}

function moduleNotFound(err: Error & { code?: string; requireStack?: string[] }, entry: string, cwd: string): string | undefined {
  if (err.code !== 'ERR_MODULE_NOT_FOUND' && err.code !== 'MODULE_NOT_FOUND') return undefined;
  const esm = /^Cannot find (package|module) '([^']+)' imported from (.+)$/m.exec(err.message);
  const cjs = /^Cannot find module '([^']+)'/m.exec(err.message);
  const what = esm ? esm[2]! : cjs?.[1];
  const importer = esm ? toPath(esm[3]!.trim()) : (err.requireStack?.[0] ?? entry);
  if (what === undefined) return undefined;
  const bare = !/^(\.{1,2}\/|\/|file:)/.test(what) && !(esm && esm[1] === 'module' && isAbsolute(what));
  const place = formatPlace(importLine(isUserFile(importer) ? importer : entry, what), cwd);
  if (bare) {
    const pkg = what.startsWith('@') ? what.split('/').slice(0, 2).join('/') : what.split('/')[0]!;
    return `${place}: cannot find package '${pkg}' (npm install ${pkg})`;
  }
  return `${place}: cannot find module '${isAbsolute(toPath(what)) ? formatPlace({ file: toPath(what) }, cwd) : what}'`;
}

/** missingExport handles `The requested module './x.mjs' does not provide an export named 'y'`. */
function missingExport(err: Error, entry: string, cwd: string): string | undefined {
  const m = /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(err.message);
  if (!m) return undefined;
  const [, specifier, name] = m;
  for (const file of localModules(entry)) {
    const line = lineOf(file, (l) => l.includes(specifier!) && l.includes(name!));
    if (line !== undefined) return `${formatPlace({ file, line }, cwd)}: SyntaxError: ${m[0]}`;
  }
  return `${formatPlace({ file: entry }, cwd)}: SyntaxError: ${m[0]}`;
}

/**
 * describeLoadError turns what importing a user's service module threw
 * into one line that names the user's file and line and says why:
 * `services.mjs:3:7: SyntaxError: Unexpected token '}'`,
 * `services.ts:1: cannot find package 'left-pad' (npm install left-pad)`,
 * `services.js:5:9: Error: config missing`. It never shows netrpc's own
 * files or a stack trace. `entry` is the module's absolute path.
 */
export function describeLoadError(thrown: unknown, entry: string, cwd: string): string {
  if (!(thrown instanceof Error)) return `${formatPlace({ file: entry }, cwd)}: threw ${String(thrown)}`;
  const err = thrown as Error & { code?: string };
  const firstLine = err.message.split('\n')[0]!;
  const esbuild = esbuildError(err.message);
  if (esbuild) return `${formatPlace(esbuild.place, cwd)}: ${esbuild.reason}`;
  const notFound = moduleNotFound(err, entry, cwd);
  if (notFound) return notFound;
  if (err.name === 'SyntaxError') {
    const exported = missingExport(err, entry, cwd);
    if (exported) return exported;
    const place = decoratedSyntaxError(err.stack ?? '') ?? checkSyntax(localModules(entry)) ?? { file: entry };
    return `${formatPlace(place, cwd)}: SyntaxError: ${firstLine}`;
  }
  const place = firstUserFrame(err.stack ?? '') ?? { file: entry };
  return `${formatPlace(place, cwd)}: ${err.name}: ${firstLine}`;
}
