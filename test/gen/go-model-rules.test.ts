/**
 * The Go model's verdict on which methods net/rpc registers, checked
 * against real net/rpc: the `rules` fixture registers its types with a
 * real rpc.Server and reports what Register returned and which methods
 * are then callable; the skip messages are checked against the formats in
 * Go's own net/rpc/server.go.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoModel, GoModelService } from '../../src/gen/go-model.js';
import { readGoModel } from '../../src/gen/run-go-model.js';
import { requireGo } from '../interop/go-toolchain.js';
import { fixture, runGo } from './go-fixtures.js';

const haveGo = await requireGo();

/** Outcome is one line of the rules program: one registration call on a fresh server. */
interface Outcome {
  readonly service: string;
  readonly goType: string;
  readonly error: string;
  readonly exported: string[];
  readonly methods: string[];
}

describe.skipIf(!haveGo)('Go model: which methods net/rpc registers', () => {
  let model: GoModel;
  let outcomes: Outcome[];

  beforeAll(async () => {
    const [m, stdout] = await Promise.all([readGoModel(fixture('rules')), runGo(fixture('rules'), '.', [])]);
    model = m;
    outcomes = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Outcome);
  });

  function service(name: string): GoModelService {
    const s = model.services.find((x) => x.name === name);
    if (!s) throw new Error(`no service ${name} in the model`);
    return s;
  }

  function outcome(goType: string, serviceName: string): Outcome {
    const o = outcomes.find((x) => x.goType === goType && x.service === serviceName);
    if (!o) throw new Error(`the rules program did not register ${goType} as ${serviceName}`);
    return o;
  }

  it('publishes exactly the methods real net/rpc makes callable, through *T and through T', () => {
    for (const name of ['Rules', 'ValueOnly', 'ByValue', 'PointerOnly']) {
      const s = service(name);
      const valueMethods = s.methods.filter((m) => m.receiver === 'value').map((m) => m.name);
      expect(valueMethods, name).toEqual(outcome(`main.${name}`, name).methods);
    }
    for (const name of ['Rules', 'ValueOnly', 'ByValue']) {
      expect(service(name).methods.map((m) => m.name), `*${name}`).toEqual(outcome(`*main.${name}`, name).methods);
    }
  });

  it('publishes methods promoted from embedded types (pointer, value, unexported, interface)', () => {
    for (const name of ['ByPointer', 'Wraps', 'WithIface', 'Base']) {
      const valueMethods = service(name)
        .methods.filter((m) => m.receiver === 'value')
        .map((m) => m.name);
      expect(valueMethods, name).toEqual(outcome(`main.${name}`, name).methods);
    }
  });

  it('predicts the error rpc.Register returns for T and for *T', () => {
    expect(service('PointerOnly').valueRegisterError).toBe(outcome('main.PointerOnly', 'PointerOnly').error);
    expect(service('PointerOnly').pointerRegisterError).toBeUndefined();
    expect(service('Rules').valueRegisterError).toBeUndefined();
    expect(outcome('main.Rules', 'Rules').error).toBe('');
    const secret = model.unregistrable.find((u) => u.name === 'secret');
    expect(secret?.message).toBe(outcome('*main.secret', 'secret').error);
    expect(model.services.find((s) => s.name === 'NoMethods')).toBeUndefined();
    expect(model.services.find((s) => s.name === 'secret')).toBeUndefined();
  });

  it('makes an unexported type a service when rpc.RegisterName names it, and reads the registration calls', () => {
    const named = service('named');
    expect(named.exported).toBe(false);
    expect(named.methods.map((m) => m.name)).toEqual(outcome('*main.named', 'Named').methods);
    const calls = model.rpcRegistrations;
    expect(calls).toHaveLength(outcomes.length);
    for (const [i, call] of calls.entries()) {
      const o = outcomes[i]!;
      expect(call.goType, call.position).toBe(o.goType);
      expect(call.error ?? '', call.position).toBe(o.error);
      expect(call.name, call.position).toBe(o.service);
      expect(call.position).toMatch(/^main\.go:\d+:\d+$/);
    }
  });

  it('skips every exported method that does not qualify, with the reason server.go gives', () => {
    const skipped = Object.fromEntries(service('Rules').skipped.map((m) => [m.name, m]));
    const exported = outcome('*main.Rules', 'Rules').exported;
    const published = outcome('*main.Rules', 'Rules').methods;
    expect(Object.keys(skipped).sort()).toEqual(exported.filter((m) => !published.includes(m)).sort());
    expect(Object.fromEntries(Object.entries(skipped).map(([k, v]) => [k, v.reason]))).toEqual({
      NoArgs: 'inputs',
      TooMany: 'inputs',
      Variadic: 'replyNotPointer',
      HiddenArg: 'argNotExported',
      HiddenArgPtr: 'argNotExported',
      ValueReply: 'replyNotPointer',
      HiddenReply: 'replyNotExported',
      NoResult: 'outputs',
      TwoResults: 'outputs',
      NotError: 'returnNotError',
      DefinedError: 'returnNotError',
    });
    expect(skipped.NoArgs!.message).toBe('rpc.Register: method "NoArgs" has 2 input parameters; needs exactly three');
    expect(skipped.HiddenArgPtr!.message).toBe('rpc.Register: argument type of method "HiddenArgPtr" is not exported: "**main.args"');
    expect(skipped.Variadic!.message).toBe('rpc.Register: reply type of method "Variadic" is not a pointer: "[]*main.Reply"');
    expect(skipped.HiddenReply!.message).toBe('rpc.Register: reply type of method "HiddenReply" is not exported: "*main.reply"');
    expect(skipped.TwoResults!.message).toBe('rpc.Register: method "TwoResults" has 2 output parameters; needs exactly one');
    expect(skipped.DefinedError!.message).toBe('rpc.Register: return type of method "DefinedError" is "main.MyErr", must be error');
    expect(skipped.NoArgs!.position).toMatch(/^rules\.go:\d+:\d+$/);
  });

  it('words each skip message as one of the formats in Go\'s net/rpc/server.go', async () => {
    const { stdout } = await promisify(execFile)('go', ['env', 'GOROOT']);
    const source = readFileSync(join(stdout.trim(), 'src', 'net', 'rpc', 'server.go'), 'utf8');
    const formats = [...source.matchAll(/log\.Printf\("(rpc\.Register: [^"\\]*(?:\\.[^"\\]*)*)\\n"/g)].map((m) => m[1]!.replace(/\\"/g, '"'));
    expect(formats).toHaveLength(6);
    const patterns = formats.map(
      (f) => new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%q/g, '"[^"]*"').replace(/%d/g, '\\d+')}$`),
    );
    const messages = service('Rules').skipped.map((m) => m.message);
    for (const message of messages) expect(patterns.some((p) => p.test(message)), message).toBe(true);
    const used = new Set(messages.map((m) => patterns.findIndex((p) => p.test(m))));
    expect(used.size).toBe(6);
  });

  it('describes the argument and reply types of the methods it publishes', () => {
    const methods = Object.fromEntries(service('Rules').methods.map((m) => [m.name, m]));
    expect(methods.Good!.args).toEqual({ kind: 'named', go: 'main.Args', id: 'main.Args' });
    expect(methods.Good!.reply).toMatchObject({ kind: 'pointer', go: '*main.Reply', elem: { kind: 'named', id: 'main.Reply' } });
    expect(methods.NamedPtrReply!.reply).toEqual({ kind: 'named', go: 'main.ReplyPtr', id: 'main.ReplyPtr' });
    expect(model.types['main.ReplyPtr']!.underlying).toMatchObject({ kind: 'pointer', elem: { id: 'main.Reply' } });
    expect(methods.Builtins!.reply.go).toBe('*map[string]int');
    expect(methods.Empty!.args).toMatchObject({ kind: 'interface', methods: [] });
    expect(methods.Good!.doc).toBe('Good is registered.');
    expect(methods.ValueGood!.receiver).toBe('value');
    expect(methods.Good!.receiver).toBe('pointer');
  });
});
