import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * requireTool resolves true when `command --version`-style probing (the
 * given args) succeeds. Without the tool it rejects in CI (CI=true), so
 * tests that need a real component never skip silently there, and
 * otherwise resolves false so the caller can skip with a visible reason.
 */
export async function requireTool(command: string, args: readonly string[], installHint: string): Promise<boolean> {
  try {
    await run(command, [...args]);
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${command} is required for these tests in CI: ${installHint}`);
    console.warn(`netrpc: ${command} is not installed; skipping its tests (${installHint})`);
    return false;
  }
}
