/**
 * `npm run soak`: the load and fault soak (see run-soak.ts).
 *
 *   node --import tsx test/soak/soak.ts [--seconds N] [--ci] [--clients N] [--lanes N] [--seed N] [--out FILE] [--leak]
 *
 * `--leak` runs a server that leaks every payload, to see the memory check fail.
 * Prints the totals and writes them to bench/results/soak.json (or --out).
 * Exits 1 if any call was lost, duplicated or misrouted, if the server's
 * memory did not come back, or if the server kept connections or handlers;
 * 2 on bad usage.
 */
import { fileURLToPath } from 'node:url';
import { formatSoakReport, writeSoakJson } from './report.js';
import { CI_SOAK, FULL_SOAK, runSoak } from './run-soak.js';
import type { SoakOptions } from './run-soak.js';

const USAGE = 'usage: soak [--seconds N] [--ci] [--clients N] [--lanes N] [--seed N] [--out FILE] [--leak]';

function parse(argv: readonly string[]): { options: SoakOptions; out: string } {
  let options: SoakOptions = argv.includes('--ci') ? CI_SOAK : FULL_SOAK;
  let out = fileURLToPath(new URL('../../bench/results/soak.json', import.meta.url));
  const numeric: Record<string, keyof SoakOptions> = { '--seconds': 'seconds', '--clients': 'clients', '--lanes': 'lanes', '--seed': 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--ci') continue;
    if (a === '--leak') {
      options = { ...options, leakForSelfTest: true };
      continue;
    }
    if (a === '--out' && argv[i + 1] !== undefined) {
      out = argv[++i]!;
      continue;
    }
    const key = numeric[a];
    const value = Number(argv[i + 1]);
    if (key === undefined || !Number.isFinite(value) || value <= 0) throw new Error(`bad argument ${a}\n${USAGE}`);
    options = { ...options, [key]: value };
    i++;
  }
  return { options, out };
}

let parsed: { options: SoakOptions; out: string };
try {
  parsed = parse(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
const result = await runSoak({ ...parsed.options, log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`${formatSoakReport(result)}\n`);
writeSoakJson(parsed.out, result);
process.stdout.write(`results: ${parsed.out}\n`);
process.exit(result.ok ? 0 : 1);
