/**
 * The soak's detectors catch what they claim to: a lost call, a reply or
 * error that belongs to another call, and an unexpected error code. (The
 * soak passing says little unless these can fail.)
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError, ServerError } from '../../src/index.js';
import { injectedFailure } from './echo-args.js';
import type { EchoArgs } from './echo-args.js';
import { Ledger } from './ledger.js';

function args(ledger: Ledger, extra: Partial<EchoArgs> = {}): EchoArgs {
  const id = ledger.newId();
  return { Id: id, Token: `t-${id}`, Payload: 'abc', ...extra };
}

describe('soak ledger', () => {
  it('counts a correct reply, a correct injected error and expected error codes as fine', async () => {
    const l = new Ledger();
    const a = args(l);
    await l.track(a, 3, Promise.resolve({ Id: a.Id, Token: a.Token, Payload: 'abc' }));
    const b = args(l, { Fail: true });
    await l.track(b, 3, Promise.reject(new ServerError(injectedFailure(b.Token))));
    const c = args(l);
    await l.track(c, 3, Promise.reject(new RpcError(ErrorCode.Timeout, 'rpc: Soak.Echo timed out after 5 ms')));
    expect(l.totals()).toMatchObject({ calls: 3, successes: 1, lost: 0, wrong: 0, unexpected: 0, errors: { RPC_SERVER_ERROR: 1, RPC_TIMEOUT: 1 } });
  });

  it('flags replies and errors of other calls, wrong payloads, lost calls and unexpected codes', async () => {
    const l = new Ledger();
    const a = args(l);
    const b = args(l);
    await l.track(a, 3, Promise.resolve({ Id: b.Id, Token: b.Token, Payload: 'abc' }));
    await l.track(b, 3, Promise.resolve({ Id: b.Id, Token: b.Token, Payload: 'abd' }));
    const c = args(l);
    await l.track(c, 3, Promise.reject(new ServerError(injectedFailure(a.Token))));
    const d = args(l, { Fail: true });
    await l.track(d, 3, Promise.resolve({ Id: d.Id, Token: d.Token, Payload: 'abc' }));
    const e = args(l);
    await l.track(e, 3, Promise.reject(new RpcError(ErrorCode.Protocol, 'rpc: bad frame')));
    void l.track(args(l), 3, new Promise(() => {}));
    const t = l.totals();
    expect(t).toMatchObject({ calls: 6, successes: 0, wrong: 4, unexpected: 1, lost: 1 });
    expect(t.samples.length).toBe(5);
  });
});
