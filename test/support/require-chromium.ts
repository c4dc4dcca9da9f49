import { access, constants } from 'node:fs/promises';

/** CHROMIUM_PATH is where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * CHROMIUM_ARGS are the flags the browser tests launch Chromium with:
 * headless, no sandbox (CI runs as root in a container), no GPU, and no
 * background traffic (updates, sync, QUIC), so a test talks only to its server.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let available: Promise<boolean> | undefined;

/** hasChromium reports whether an executable Chromium is at CHROMIUM_PATH. */
export function hasChromium(): Promise<boolean> {
  available ??= access(CHROMIUM_PATH, constants.X_OK).then(
    () => true,
    () => false,
  );
  return available;
}

/**
 * requireChromium resolves true when Chromium is installed. Without it, it
 * rejects when running in CI (CI=true), so browser tests never skip
 * silently there, and otherwise resolves false after a visible warning so
 * the caller can skip.
 */
export async function requireChromium(): Promise<boolean> {
  if (await hasChromium()) return true;
  if (process.env.CI) throw new Error(`Chromium is required for the browser tests in CI (${CHROMIUM_PATH}): apt-get install -y chromium`);
  console.warn(`netrpc: Chromium is not installed at ${CHROMIUM_PATH}; skipping browser tests (apt-get install -y chromium)`);
  return false;
}
