/**
 * Opens `-count` idle msgpack connections (CONNECT done) to `-addr`,
 * `-batch` dials at a time, prints `ready N`, and holds them until
 * stdin closes or SIGTERM.
 */
import { dialHTTP } from '../../src/index.js';
import type { Client } from '../../src/index.js';

const flags = new Map(process.argv.slice(2).map((a) => /^--?([a-z]+)=(.*)$/.exec(a)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!] as const));
const addr = flags.get('addr')!;
const count = Number(flags.get('count') ?? '5000');
const batch = Number(flags.get('batch') ?? '100');

const clients: Client[] = [];
for (let i = 0; i < count; i += batch) {
  const n = Math.min(batch, count - i);
  clients.push(...(await Promise.all(Array.from({ length: n }, () => dialHTTP(addr, { codec: 'msgpack', connectTimeout: 30_000 })))));
}
process.stdout.write(`ready ${clients.length}\n`);
const quit = (): never => process.exit(0);
process.stdin.on('end', quit);
process.stdin.on('close', quit);
process.stdin.resume();
process.on('SIGTERM', quit);
