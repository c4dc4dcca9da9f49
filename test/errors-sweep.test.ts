/**
 * Every error the library raises to a user is an RpcError with a code (the
 * README's promise). This test lists each place in src/ that makes an error
 * of another class and checks it is one of the known internal ones, each of
 * which is caught and turned into an RpcError (or a reply text) before a
 * user sees it. A new `new Error(...)` in src/ fails here until it is
 * either an RpcError or added with the reason it never reaches a user.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

/** file → the non-RpcError constructions it may hold, and why they never reach a user. */
const internal: Record<string, { readonly count: number; readonly why: string }> = {
  'codec/json/json-codec.ts': { count: 1, why: 'argsError: its message becomes the error reply text of that call' },
  'contract/contract-handlers.ts': { count: 1, why: 'a declared-type mismatch in arguments: thrown inside the handler, its message becomes the error reply text of that call' },
  'server/authorize.ts': { count: 1, why: 'a non-Error thrown by an authorize hook becomes a 403 refusal' },
  'cli/service-listing.ts': { count: 2, why: 'passed to req.destroy, surfaced as RPC_CONNECT by the request error handler' },
  'cli/cluster-gather.ts': { count: 1, why: 'CLI-internal: rpc-serve only gathers from inside a cluster worker' },
  'gen/contracts-module.ts': { count: 1, why: 'rpc-gen consistency check on a model already validated: a bug, reported by the CLI' },
  'gen/schema-writer.ts': { count: 1, why: 'rpc-gen consistency check on a model already validated: a bug, reported by the CLI' },
  'gen/type-graph.ts': { count: 1, why: 'rpc-gen consistency check on a model already validated: a bug, reported by the CLI' },
  'cli/version.ts': { count: 1, why: 'CLI-internal: a broken installation, reported by the CLI' },
};

/** Classes deriving from Error directly, outside errors.ts; each is caught before it reaches a user. */
const internalClasses: Record<string, string> = {
  'http-head.ts': 'HeadParseError: caught by the head readers and answered 400 / turned into a HandshakeError',
  'cli/command-line.ts': 'UsageError: CLI-only, printed as a usage line with exit code 2',
  'cli/load-services.ts': 'ModuleLoadError: CLI-only, printed by rpc-serve',
  'codec/go-value.ts': 'ValueMismatch: caught by the contract layer and turned into an invalid-arguments reply or a validation RpcError',
  'gen/check-go-model.ts': 'BadModel: caught by the model checker and turned into a bad-output GoSourceError',
  'gen/go-toolchain.ts': 'ExecFailure: an interface describing what execFile rejects with, not a class',
};

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

function sources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of tsFiles(srcDir)) {
    const rel = relative(srcDir, file).split('\\').join('/');
    if (rel.startsWith('demo/')) continue; // demo handlers throw on purpose: their messages are error replies
    out.set(rel, readFileSync(file, 'utf8'));
  }
  return out;
}

describe('errors raised by the library', () => {
  it('makes no Error, TypeError or RangeError outside the listed internal places', () => {
    const found: Record<string, number> = {};
    for (const [rel, text] of sources()) {
      const n = (text.match(/new (?:Error|TypeError|RangeError|SyntaxError)\(/g) ?? []).length;
      if (n > 0) found[rel] = n;
    }
    const allowed = Object.fromEntries(Object.entries(internal).map(([k, v]) => [k, v.count]));
    expect(found).toEqual(allowed);
  });

  it('derives every other error class from RpcError, except the listed internal ones', () => {
    const found: Record<string, number> = {};
    for (const [rel, text] of sources()) {
      if (rel === 'errors.ts') continue;
      const n = (text.match(/extends (?:Error|TypeError|RangeError)\b/g) ?? []).length;
      if (n > 0) found[rel] = n;
    }
    expect(Object.keys(found).sort()).toEqual(Object.keys(internalClasses).sort());
  });
});
