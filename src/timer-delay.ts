/**
 * MAX_TIMER_MS is the longest delay Node's timers hold (2^31 − 1 ms, about
 * 24.8 days). A longer one makes Node print a TimeoutOverflowWarning and
 * fire after 1 ms instead.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * timerDelay turns a delay given by a user or a peer into one Node's
 * timers take as meant: longer than MAX_TIMER_MS (Infinity included) is
 * MAX_TIMER_MS, which for a connection or a call means "no practical
 * limit"; negative or NaN is 0.
 */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return ms > MAX_TIMER_MS ? MAX_TIMER_MS : ms;
}
