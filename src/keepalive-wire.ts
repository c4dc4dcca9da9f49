/**
 * How a netrpc client tells the server its keepalive schedule on the
 * CONNECT: `Rpc-Keepalive: interval=30000; timeout=10000` (milliseconds).
 * The client pings every `interval` (see src/client/keepalive.ts) and gives
 * up on a ping unanswered after `timeout`, so a live client never leaves
 * the server without bytes for longer than interval + timeout; a server
 * that hears nothing for that long frees the connection (see
 * src/server/peer-silence.ts). Stock Go clients send no such header and
 * never ping: for them only TCP keepalive and the idle timeout apply.
 */

/** KEEPALIVE_HEADER is the CONNECT request header (lower-cased, as parsed heads hold it) carrying the schedule. */
export const KEEPALIVE_HEADER = 'rpc-keepalive';

/** KeepaliveSchedule is a client's ping interval and ping timeout, in ms. */
export interface KeepaliveSchedule {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** keepaliveRequest is the header a client with that schedule sends on its CONNECT. */
export function keepaliveRequest(schedule: KeepaliveSchedule): Readonly<Record<string, string>> {
  return { 'Rpc-Keepalive': `interval=${Math.round(schedule.intervalMs)}; timeout=${Math.round(schedule.timeoutMs)}` };
}

/**
 * announcedSilenceMs reads the schedule from CONNECT headers (lower-cased
 * names) and returns interval + timeout: the longest a live client stays
 * silent. It returns 0 (nothing promised) without the header, or when
 * either number is missing, not a positive integer or absurdly large.
 */
export function announcedSilenceMs(headers: Readonly<Record<string, string>>): number {
  const value = headers[KEEPALIVE_HEADER];
  if (value === undefined || value.length > 100) return 0;
  const fields = new Map<string, number>();
  for (const part of value.split(';')) {
    const m = /^\s*(interval|timeout)\s*=\s*(\d{1,10})\s*$/i.exec(part);
    if (m) fields.set(m[1]!.toLowerCase(), Number(m[2]));
  }
  const interval = fields.get('interval');
  const timeout = fields.get('timeout');
  if (!interval || !timeout) return 0;
  return interval + timeout;
}
