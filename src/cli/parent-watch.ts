/**
 * Noticing that the process that started this one has exited.
 *
 * npm runs a script as `sh -c '<script>'` and, on SIGTERM or SIGINT, passes
 * the signal to that shell only. A shell waiting for a command does not
 * pass it on: it exits, and the command keeps running, handed over to init
 * (or a subreaper), with its port still open. So a server started from an
 * npm script (`npm start`, `npx`) watches its parent and treats the
 * parent's exit as a request to stop.
 */

/** startedByNpm reports whether an npm script (npm run, npm start, npx) started this process or one of its ancestors. */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_lifecycle_event !== undefined;
}

/**
 * watchParent calls `onGone` once, with the old parent's process id, when
 * this process's parent exits (seen as the parent id changing). It checks
 * every `intervalMs` on an unref'd timer, so it never keeps the process
 * alive. Returns a function that stops watching.
 */
export function watchParent(onGone: (parentPid: number) => void, intervalMs = 200): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone(parent);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
