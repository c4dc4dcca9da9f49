import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseDurationNanos } from '../../src/cli/duration.js';
import { RpcError } from '../../src/errors.js';
import { buildGoProgram, requireGo } from '../interop/go-toolchain.js';

/** Inputs that Go's time.ParseDuration accepts and refuses, run through both parsers. */
const INPUTS = [
  '0', '+0', '-0', '1m30s', '250ms', '1.5h', '300us', '300\u00b5s', '300\u03bcs', '1h2m3.5s', '-1.5h', '+2h45m',
  '1ns', '1.000000001s', '.5s', '5.s', '0.333333333333s', '100.00000000000000000000001h', '1h1h', '3m0.5s',
  '9223372036854775807ns', '-9223372036854775808ns', '2562047h47m16.854775807s', '2562047h47m16.854775808s',
  '9223372036854775808ns', '2562048h', '-2562048h', '99999999999999999999ns', '',
  'soon', '500', '00', '5x', '-', '+', '.s', '.', '1.2.3s', '5 s', ' 5s', '5s ', '1e3s', '1_000ms', '0x10s', '5S', '1h-2m', 'ms',
];

function goParse(binary: string, lines: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').slice(0, lines.length)));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

function ours(text: string): string {
  try {
    return String(parseDurationNanos(text));
  } catch (err) {
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('RPC_INVALID_ARGUMENT');
    return `error: time: ${(err as Error).message}`;
  }
}

describe('parseDuration', () => {
  it('returns milliseconds, fractions kept', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('300us')).toBe(0.3);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('-2s')).toBe(-2000);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses what Go refuses, with Go\'s reason', () => {
    expect(() => parseDuration('500')).toThrow('missing unit in duration "500"');
    expect(() => parseDuration('5x')).toThrow('unknown unit "x" in duration "5x"');
    expect(() => parseDuration('soon')).toThrow('invalid duration "soon"');
  });
});

const haveGo = await requireGo();

describe.skipIf(!haveGo)("parseDuration against Go's time.ParseDuration", () => {
  it('gives the same nanoseconds and the same errors for every input', async () => {
    const go = await goParse(await buildGoProgram('duration'), INPUTS);
    const rows = INPUTS.map((input, i) => ({ input, go: go[i], ours: ours(input) }));
    // Go quotes non-ASCII input its own way (\x escapes); compare those by outcome only.
    const comparable = rows.map((r) => (/^[\x20-\x7e]*$/.test(r.input) ? r : { ...r, go: r.go?.startsWith('error') ? 'error' : r.go, ours: r.ours.startsWith('error') ? 'error' : r.ours }));
    expect(comparable.filter((r) => r.go !== r.ours)).toEqual([]);
    expect(rows.filter((r) => !r.go?.startsWith('error')).length).toBeGreaterThan(15);
    expect(rows.filter((r) => r.go?.startsWith('error')).length).toBeGreaterThan(15);
  });
});
