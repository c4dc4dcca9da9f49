/**
 * The most used shared test helpers in one import. Each lives in its own
 * module under test/support/; this file only re-exports them.
 */
export { startDemoServer } from './support/demo-server.js';
export { rawConnect } from './support/raw-connection.js';
export type { RawConnection } from './support/raw-connection.js';
export { rejection } from './support/rejection.js';
export { splitEverywhere } from './support/split-everywhere.js';
export { freePort } from './support/ports.js';
