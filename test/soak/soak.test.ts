/**
 * The soak in CI size (about 13 s): many clients, the three codecs, random
 * payloads, delays, failures, timeouts, aborts and killed connections
 * against a server in its own process. Every call must end exactly once
 * with its own reply or error, the server's memory must come back, and the
 * server must be left with no connections and no running handlers.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/index.js';
import { formatSoakReport } from './report.js';
import { CI_SOAK, runSoak } from './run-soak.js';

describe('soak (CI size)', () => {
  it('settles every call exactly once, routes every reply, and returns the server to rest', { timeout: 90_000 }, async () => {
    const result = await runSoak(CI_SOAK);
    const report = formatSoakReport(result);
    const t = result.totals;

    expect(t.lost, report).toBe(0);
    expect(t.duplicated, report).toBe(0);
    expect(t.wrong, report).toBe(0);
    expect(t.unexpected, report).toBe(0);
    expect(result.memory.returned, report).toBe(true);
    expect(result.connectionsAfter, report).toBe(0);
    expect(result.handlersRunningAfter, report).toBe(0);
    expect(result.freshClientOk, report).toBe(true);
    expect(result.serverExitCode, report).toBe(0);
    expect(result.failures, report).toEqual([]);

    // Not vacuous: enough calls, every outcome provoked, every fault injected.
    // A floor, not a speed: on a loaded machine the CI-size soak makes about 1700 calls, unloaded about 3000.
    expect(t.calls, report).toBeGreaterThan(1000);
    expect(t.successes, report).toBeGreaterThan(t.calls / 2);
    expect(t.calls, report).toBe(t.successes + Object.values(t.errors).reduce((a, b) => a + b, 0));
    for (const code of [ErrorCode.Server, ErrorCode.Timeout, ErrorCode.Aborted, ErrorCode.ConnectionLost, ErrorCode.Shutdown]) {
      expect(t.errors[code] ?? 0, `${code}\n${report}`).toBeGreaterThan(10);
    }
    expect(t.serverErrors.injected ?? 0, report).toBeGreaterThan(10);
    const f = result.faults;
    for (const n of [f.socketDestroys, f.proxyCuts, f.restarts]) expect(n, report).toBeGreaterThan(3);
    expect(t.bytesSent, report).toBeGreaterThan(20 * 2 ** 20);
    // The server saw cancellations and disconnects through ctx.signal.
    expect(result.serverHandlers.aborted[ErrorCode.Aborted] ?? 0, report).toBeGreaterThan(0);
    expect(result.serverHandlers.aborted[ErrorCode.ConnectionLost] ?? 0, report).toBeGreaterThan(0);
  });
});
