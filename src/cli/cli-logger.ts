import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import { UsageError } from './command-line.js';

/** LogFormat is how the command-line tools write log lines. */
export type LogFormat = 'json' | 'text';

/** LOG_LEVELS are pino's level names and numbers; `silent` writes nothing. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** LogLevel is one of {@link LOG_LEVELS}' names. */
export type LogLevel = keyof typeof LOG_LEVELS;

/** CliLogger is a Logger that also writes `fatal` lines. */
export interface CliLogger extends Logger {
  fatal(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): CliLogger;
}

/** CliLoggerOptions configure {@link createCliLogger}. */
export interface CliLoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** The program's name: the `name` field in JSON, the line prefix in text. */
  readonly name: string;
  /** Where lines go; default stdout, and stderr for text lines at warn and above. */
  readonly out?: (line: string, level: number) => void;
}

/** parseLogFormat reads `--log-format` (default text); throws UsageError for anything but json or text. */
export function parseLogFormat(text: string | undefined): LogFormat {
  if (text === undefined) return 'text';
  if (text === 'json' || text === 'text') return text;
  throw new UsageError(`invalid --log-format ${text}; want json or text`);
}

/** parseLogLevel reads `--log-level`; throws UsageError for a name pino does not have. */
export function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined) return 'info';
  if (Object.hasOwn(LOG_LEVELS, text)) return text as LogLevel;
  throw new UsageError(`invalid --log-level ${text}; want one of ${Object.keys(LOG_LEVELS).join(', ')}`);
}

/** errorFields is how an Error is written (as pino's standard serializer does: type, message, stack, code). */
function errorFields(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return { type: err.constructor.name, message: err.message, stack: err.stack, ...(code === undefined ? {} : { code }) };
}

function textValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'string') return /^[\w.:/[\]-]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * createCliLogger makes the command-line tools' logger. JSON: one object
 * per line as pino writes it (`level` number, `time` ms since the epoch,
 * `pid`, `hostname`, `name`, the fields, `msg`; errors under `err` as
 * type/message/stack/code), all on stdout. Text: `NAME: msg` and the
 * fields as ` key=value` (a `methods` array is written below, one per line, indented),
 * below warn on stdout, warn and above on stderr.
 */
export function createCliLogger(options: CliLoggerOptions, bindings: Record<string, unknown> = {}): CliLogger {
  const min = LOG_LEVELS[options.level];
  const out =
    options.out ??
    ((line: string, level: number): void => {
      (options.format === 'text' && level >= LOG_LEVELS.warn ? process.stderr : process.stdout).write(line);
    });
  const base = { pid: process.pid, hostname: hostname(), name: options.name };
  const write = (level: number, obj: object, msg: string): void => {
    if (level < min) return;
    const fields: Record<string, unknown> = { ...bindings, ...obj };
    if ('err' in fields) fields.err = errorFields(fields.err);
    if (options.format === 'json') {
      out(`${JSON.stringify({ level, time: Date.now(), ...base, ...fields, msg })}\n`, level);
      return;
    }
    const { methods: lines, lib: _lib, ...rest } = fields;
    let line = `${options.name}: ${msg}`;
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || k === 'err') continue;
      line += ` ${k}=${textValue(v)}`;
    }
    line += '\n';
    if (Array.isArray(lines)) for (const l of lines) line += `  ${String(l)}\n`;
    out(line, level);
  };
  return {
    debug: (obj, msg) => write(LOG_LEVELS.debug, obj, msg),
    info: (obj, msg) => write(LOG_LEVELS.info, obj, msg),
    warn: (obj, msg) => write(LOG_LEVELS.warn, obj, msg),
    error: (obj, msg) => write(LOG_LEVELS.error, obj, msg),
    fatal: (obj, msg) => write(LOG_LEVELS.fatal, obj, msg),
    child: (more) => createCliLogger(options, { ...bindings, ...more }),
  };
}
