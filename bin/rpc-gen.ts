#!/usr/bin/env node
/**
 * rpc-gen: typed netrpc contracts from a Go net/rpc package, and Go types
 * from netrpc contracts. Argument parsing, printing and exit codes only;
 * the work is done by the library.
 */
import { writeFileSync } from 'node:fs';
import { importUserModule, ModuleLoadError } from '../src/cli/load-services.js';
import { parseCommandLine, UsageError, usageText } from '../src/cli/command-line.js';
import { versionLine } from '../src/cli/version.js';
import { generateContracts } from '../src/gen/contracts-module.js';
import { contractsInModule } from '../src/gen/contracts-in-module.js';
import { generateGoDeclarations } from '../src/gen/go-declarations.js';
import { GoSourceError } from '../src/gen/go-source-error.js';
import { loadGoModel } from '../src/gen/run-go-model.js';

const USAGE = `Usage: rpc-gen [options] GO_PACKAGE_DIR
       rpc-gen --go CONTRACTS_MODULE [--package NAME]

Reads a Go package with Go's own go/parser and go/types and writes a
TypeScript module with one netrpc contract (defineService) per type whose
methods net/rpc registers, its schemas describing the Go types as gob sends
them. Methods net/rpc does not register are listed on stderr with Go's reason.
Needs Go 1.19 or later on PATH (the go command), and zod 4 where the module
is used.

With --go, prints Go type declarations and a stub service for the netrpc
contracts a module exports (.js, or .ts through tsx), for Go programs that
call or serve them.

Options:
  --out FILE            write the module to FILE instead of stdout
  --name TYPE=NAME      the service name of Go type TYPE, for services
                        registered with rpc.RegisterName; repeatable
  --import-path PATH    the package's import path, when neither go.mod nor
                        GOPATH gives it (part of the names gob.Register gives)
  --go MODULE           the reverse: Go declarations for MODULE's contracts
  --package NAME        with --go: the Go package clause (default main)
  --version             print the version and exit
  -h, --help            show this help

Exit codes: 0 success; 1 the package or module cannot be read (no Go, syntax
or type errors, no services); 2 usage error.

Examples:
  npx rpc-gen ./server --out src/contracts.ts
  npx rpc-gen ./calc --name Arith=Calculator
  npx rpc-gen --go src/contracts.ts > client/types.go
`;

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function usage(message: string): never {
  process.stderr.write(usageText('rpc-gen', message));
  process.exit(EXIT_USAGE);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EXIT_FAILED);
}

const options = {
  out: { type: 'string' },
  name: { type: 'string', multiple: true },
  'import-path': { type: 'string' },
  go: { type: 'string' },
  package: { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

let parsed;
try {
  parsed = parseCommandLine(options);
} catch (err) {
  if (err instanceof UsageError) usage(err.message);
  throw err;
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(versionLine('rpc-gen'));
  process.exit(0);
}

function output(text: string): void {
  if (values.out === undefined) process.stdout.write(text);
  else writeFileSync(values.out, text);
}

async function reverse(module: string): Promise<void> {
  if (positionals.length > 0) usage(`--go takes one module; unexpected ${positionals[0]}`);
  if (values.name || values['import-path']) usage('--name and --import-path read Go source; they do not go with --go');
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(module, process.cwd(), 'rpc-gen');
  } catch (err) {
    if (err instanceof ModuleLoadError) fail(`rpc-gen: ${err.message}`);
    throw err;
  }
  const contracts = contractsInModule(mod);
  if (contracts.length === 0) fail(`rpc-gen: ${module} exports no netrpc contracts (values made by defineService or implement)`);
  const packageName = values.package ?? 'main';
  if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(packageName)) usage(`--package ${packageName} is not a Go package name`);
  const go = generateGoDeclarations(contracts, { packageName });
  for (const w of go.warnings) process.stderr.write(`${w}\n`);
  output(go.source);
}

async function forward(): Promise<void> {
  if (values.package !== undefined) usage('--package goes with --go');
  if (positionals.length !== 1) usage(positionals.length === 0 ? 'give the folder of a Go package' : `one Go package at a time; unexpected ${positionals[1]}`);
  const serviceNames: Record<string, string> = {};
  for (const pair of values.name ?? []) {
    const m = /^([^=\s]+)=([A-Za-z_][\w]*)$/.exec(pair);
    if (!m) usage(`--name ${pair}: want TYPE=NAME, e.g. --name Arith=Calculator`);
    serviceNames[m[1]!] = m[2]!;
  }
  try {
    const model = await loadGoModel(positionals[0]!, values['import-path'] !== undefined ? { importPath: values['import-path'] } : {});
    const generated = generateContracts(model, { serviceNames });
    for (const w of generated.warnings) process.stderr.write(`${w}\n`);
    output(generated.source);
  } catch (err) {
    if (err instanceof GoSourceError) fail(err.message);
    throw err;
  }
}

await (values.go !== undefined ? reverse(values.go) : forward());
