import { formatGoType } from '../codec/go-type-format.js';
import { emptyHistory, historyEnd } from './call-history.js';
import type { CallHistory, CallHistorySnapshot } from './call-history.js';
import type { MethodStatsSnapshot } from './method-stats.js';
import type { Registry } from './registry.js';

/** MethodReport describes one method for the debug page and listings. */
export interface MethodReport extends MethodStatsSnapshot {
  readonly name: string;
  /** The argument's declared Go type, when the method has one. */
  readonly args?: string;
  /** The reply's declared Go type, when the method has one. */
  readonly reply?: string;
}

/** ServiceReport describes one service. */
export interface ServiceReport {
  readonly name: string;
  readonly methods: readonly MethodReport[];
}

/** ServerReport is what the debug page shows: services, methods, counts, connections. */
export interface ServerReport {
  /** When the server was created (ISO 8601). */
  readonly startedAt: string;
  readonly uptimeMs: number;
  /** Open RPC connections. */
  readonly connections: number;
  /** Services in registration order, methods sorted by name (as Go's debug page). */
  readonly services: readonly ServiceReport[];
  /** Calls and errors of all methods per 5 s over the last 5 minutes (absent when not kept). */
  readonly history?: CallHistorySnapshot;
  /** How many server processes the report sums (absent: this one alone). */
  readonly workers?: number;
}

/** buildReport takes a snapshot of the registry's counters. */
export function buildReport(registry: Registry, startedAt: number, connections: number, history?: CallHistory): ServerReport {
  let snapshot: CallHistorySnapshot | undefined;
  if (history) {
    const h = emptyHistory(historyEnd());
    history.addTo(h.endMs, h.calls, h.errors);
    snapshot = h;
  }
  return {
    startedAt: new Date(startedAt).toISOString(),
    uptimeMs: Date.now() - startedAt,
    connections,
    services: registry.list().map((s) => ({
      name: s.name,
      methods: [...s.methods.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((m) => ({
          name: m.name,
          ...(m.types?.args ? { args: formatGoType(m.types.args) } : {}),
          ...(m.types?.reply ? { reply: formatGoType(m.types.reply) } : {}),
          ...m.stats.snapshot(),
        })),
    })),
    ...(snapshot ? { history: snapshot } : {}),
  };
}
