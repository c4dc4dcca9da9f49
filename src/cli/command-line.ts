import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** UsageError is a bad command line: `message` is one line, without the program name. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** OptionsConfig is the flag table parseArgs takes. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** ParsedCommandLine is what {@link parseCommandLine} returns for a flag table. */
export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true; args: string[] }>>;

/** editDistance is the Levenshtein distance between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * closestFlag returns the known long flag (`--name`) nearest to `given`
 * (a prefix of it, or at most two edits away), or undefined.
 */
export function closestFlag(given: string, names: readonly string[]): string | undefined {
  const bare = given.replace(/^-+/, '').replace(/=.*$/, '');
  if (bare === '') return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = name.startsWith(bare) ? 0 : editDistance(bare, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best && `--${best.name}`;
}

/** oneLine turns one of node:util parseArgs's errors into a one-line reason. */
function oneLine(err: Error & { code?: string }, names: readonly string[], argv: readonly string[]): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const suggestion = closestFlag(quoted, names);
    return `unknown option ${quoted}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted.split(' ')[0]!;
    if (/does not take an argument/.test(err.message)) return `${flag} takes no value`;
    // parseArgs reads a value that starts with '-' (a negative duration) as the next flag.
    const next = argv[argv.indexOf(flag) + 1];
    return next !== undefined && next.startsWith('-') && argv.includes(flag) ? `${flag} needs a value (for a value starting with '-', write ${flag}=${next})` : `${flag} needs a value`;
  }
  return err.message.split('\n')[0]!;
}

/**
 * parseCommandLine parses `argv` with node:util's parseArgs (positionals
 * allowed, strict). A bad flag throws a {@link UsageError} whose message
 * is one line: `unknown option --prot (did you mean --port?)`, `--port
 * needs a value`. A flag's value may start with '-' only as `--flag=-1s`.
 */
export function parseCommandLine<const O extends OptionsConfig>(options: O, argv: readonly string[] = process.argv.slice(2)): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(oneLine(err as Error & { code?: string }, Object.keys(options), argv));
  }
}

/**
 * usageText is what a CLI prints to stderr for a usage error: the program,
 * the one-line reason, and where the full usage is.
 */
export function usageText(program: string, reason: string): string {
  return `${program}: ${reason}\nRun '${program} --help' for usage.\n`;
}
