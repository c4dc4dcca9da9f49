/**
 * The drain refusal: while a netrpc server shuts down it answers every new
 * call with this exact error text and does not run the call. The client
 * side recognises the text and marks the call as never executed, so a pool
 * can send it to another endpoint even when it is not idempotent.
 */

/** SHUTTING_DOWN is the error text of a call a draining server refused without running it. */
export const SHUTTING_DOWN = 'rpc: server is shutting down';

/**
 * isDrainRefusal reports whether a remote error text is the drain refusal.
 * Only the exact text counts: a handler error that merely mentions a
 * shutdown is an ordinary server error.
 */
export function isDrainRefusal(errorText: string): boolean {
  return errorText === SHUTTING_DOWN;
}
