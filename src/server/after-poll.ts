/**
 * A deadline's timer that fires after the event loop was held up (a long
 * synchronous handler, a GC pause) runs before the loop has read what the
 * peer sent meanwhile. When the peer lives in this process too, it has not
 * even seen the replies written before the stall yet: it reads them in the
 * next poll phase, answers, and that answer is read one poll phase later.
 * So a deadline is confirmed only after two turns of the loop.
 */

/** AfterPoll is a pending confirmation; `cancel()` drops it. */
export interface AfterPoll {
  cancel(): void;
}

/**
 * afterTwoPolls runs `fn` once two poll phases have passed (two
 * setImmediate hops: each check phase follows a poll phase), unless
 * cancelled first.
 */
export function afterTwoPolls(fn: () => void): AfterPoll {
  let cancelled = false;
  let handle = setImmediate(() => {
    if (!cancelled) handle = setImmediate(() => void (cancelled || fn()));
  });
  return {
    cancel() {
      cancelled = true;
      clearImmediate(handle);
    },
  };
}
