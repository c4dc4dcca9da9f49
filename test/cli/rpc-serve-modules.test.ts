import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import { startCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';

const LISTENING = /listening on (127\.0\.0\.1:\d+)/;
const GREETER_TS = 'class Greeter {\n  Hello(name: string): string {\n    return `hello, ${name}`;\n  }\n}\n';
const GREETER_JS = 'class Greeter {\n  Hello(name) {\n    return `hello, ${name}`;\n  }\n}\n';

/** Each module serves one Greeter; the folder's package.json makes `.js` and `.ts` CommonJS or ES modules. */
const MODULES: [scope: 'commonjs' | 'module', file: string, source: string][] = [
  ['commonjs', 'named.ts', `export ${GREETER_TS}`],
  ['commonjs', 'default.ts', `export default ${GREETER_TS}`],
  ['commonjs', 'both.ts', `export ${GREETER_TS}export default Greeter;\n`],
  ['module', 'named.ts', `export ${GREETER_TS}`],
  ['module', 'default.ts', `export default ${GREETER_TS}`],
  ['module', 'named.mts', `export ${GREETER_TS}`],
  ['module', 'default.mts', `export default ${GREETER_TS}`],
  ['commonjs', 'named.cts', `export ${GREETER_TS}`],
  ['commonjs', 'default.cts', `export default ${GREETER_TS}`],
  ['commonjs', 'exports.js', `${GREETER_JS}exports.Greeter = Greeter;\n`],
  ['commonjs', 'object.js', `${GREETER_JS}module.exports = { Greeter };\n`],
  ['commonjs', 'class.js', `${GREETER_JS}module.exports = Greeter;\n`],
  ['commonjs', 'instance.js', `${GREETER_JS}module.exports = { Greeter: new Greeter() };\n`],
  ['module', 'named.js', `export ${GREETER_JS}`],
  ['module', 'default.js', `export default ${GREETER_JS}`],
  ['module', 'map.js', `${GREETER_JS}export default { Greeter };\nexport { Greeter };\n`],
  ['module', 'named.mjs', `export ${GREETER_JS}`],
  ['module', 'default.mjs', `export default ${GREETER_JS}`],
  ['module', 'object.cjs', `${GREETER_JS}module.exports = { Greeter };\n`],
  ['module', 'class.cjs', `${GREETER_JS}module.exports = Greeter;\n`],
  ['module', 'emitter.mjs', `import { EventEmitter } from 'node:events';\nexport ${GREETER_JS.replace('class Greeter {', 'class Greeter extends EventEmitter {')}`],
  ['module', 'esm-interop.cjs', `${GREETER_JS}Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = Greeter;\n`],
];

/** Broken modules and the one line rpc-serve must print for each (file:line[:column]: reason). */
const BROKEN: [file: string, source: string, line: string][] = [
  ['syntax.mjs', 'export const X = {\n  A() {\n', 'syntax.mjs:3: SyntaxError: Unexpected end of input'],
  ['syntax.ts', 'export const X = {\n  A() {\n', 'syntax.ts:3:1: SyntaxError: Unexpected end of file'],
  ['syntax.cjs', 'exports.X = {\n  A() {\n    return 1;\n  }\n}}\n', "syntax.cjs:5:2: SyntaxError: Unexpected token '}'"],
  ['nested.mjs', "import './inner.mjs';\nexport const X = { A() {} };\n", "inner.mjs:2: SyntaxError: Unexpected token '='"],
  ['missing-package.mjs', "export const X = { A() {} };\nimport pad from 'left-pad-not-installed';\n", "missing-package.mjs:2: cannot find package 'left-pad-not-installed' (npm install left-pad-not-installed)"],
  ['missing-package.ts', "import pad from 'left-pad-not-installed';\nexport const X = { A: () => pad };\n", "missing-package.ts:1: cannot find package 'left-pad-not-installed' (npm install left-pad-not-installed)"],
  ['missing-package.cjs', "const pad = require('left-pad-not-installed');\nmodule.exports = { X: { A: () => pad } };\n", "missing-package.cjs:1: cannot find package 'left-pad-not-installed' (npm install left-pad-not-installed)"],
  ['missing-file.mjs', "import './gone.mjs';\nexport const X = { A() {} };\n", "missing-file.mjs:1: cannot find module 'gone.mjs'"],
  ['missing-export.mjs', "import { nope } from './inner-ok.mjs';\nexport const X = { A: () => nope };\n", "missing-export.mjs:1: SyntaxError: The requested module './inner-ok.mjs' does not provide an export named 'nope'"],
  ['throws.mjs', "export const X = { A() {} };\nconst config = undefined;\nexport const port = config.port;\n", "throws.mjs:3:28: TypeError: Cannot read properties of undefined (reading 'port')"],
  ['throws.ts', "export const X = { A() {} };\nthrow new Error('no config');\n", 'throws.ts:2:7: Error: no config'],
  ['none.mjs', 'export const answer = 42;\n', './none.mjs exports no services: export objects or classes whose methods are the RPC methods (export class Greeter { Hello(name) { ... } }), or implement(contract, impl) values'],
  ['absent.mjs', '', ''],
];

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'netrpc-modules-'));
  for (const scope of ['commonjs', 'module']) {
    mkdirSync(join(root, scope));
    writeFileSync(join(root, scope, 'package.json'), JSON.stringify({ name: `scope-${scope}`, version: '1.0.0', type: scope }));
  }
  for (const [scope, file, source] of MODULES) writeFileSync(join(root, scope, file), source);
  mkdirSync(join(root, 'broken'));
  writeFileSync(join(root, 'broken', 'package.json'), JSON.stringify({ name: 'broken', version: '1.0.0', type: 'module' }));
  writeFileSync(join(root, 'broken', 'inner.mjs'), 'export const q = 1;\nconst = 2;\n');
  writeFileSync(join(root, 'broken', 'inner-ok.mjs'), 'export const q = 1;\n');
  for (const [file, source] of BROKEN) if (file !== 'absent.mjs') writeFileSync(join(root, 'broken', file), source);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** serve starts rpc-serve in `cwd`; the test's end kills it (tests here run concurrently). */
function serve(args: string[], cwd: string, onFinished: (fn: () => void) => void): CliRun {
  const run = startCli('rpc-serve', ['--port', '0', ...args], { cwd });
  onFinished(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  return run;
}

describe('rpc-serve serves each service once, whatever the module format', () => {
  it.concurrent.for(MODULES.map(([scope, file]) => [scope, file] as const))('%s package: %s', async ([scope, file], { expect, onTestFinished }) => {
    const run = serve([`./${file}`], join(root, scope), onTestFinished);
    const [, address] = await run.waitForOutput(LISTENING, 15_000);
    expect(run.stdout().split('\n').slice(1)).toEqual(['  Greeter.Hello', '']);
    await using client = await dialHTTP(address!);
    expect(await client.call('Greeter.Hello', 'go')).toBe('hello, go');
    expect(run.stderr()).toBe('');
  });
});

describe("a module that does not load: the user's file, line and a one-line reason", () => {
  it.concurrent.for(BROKEN.map(([file, , line]) => [file, line] as const))('%s', async ([file, line], { expect, onTestFinished }) => {
    const run = serve([`./${file}`], join(root, 'broken'), onTestFinished);
    expect(await run.exited).toBe(2);
    const expected = file === 'absent.mjs' ? `cannot find ./absent.mjs (no file ${join(root, 'broken', 'absent.mjs')})` : line;
    expect(run.stderr()).toBe(`rpc-serve: ${expected}\n`);
    expect(run.stdout()).toBe('');
  });
});
