/**
 * destroyClientSocket kills a Client's TCP socket from the client's own
 * side, as a crashing network stack or a `socket.destroy()` in user code
 * would. The public API has no socket accessor, so this reaches the
 * Client's private `socket` field on purpose (soak-only); it throws if
 * that field is gone, so a refactor cannot silently disable the fault.
 */
import type { Duplex } from 'node:stream';
import type { Client } from '../../src/index.js';

/** destroyClientSocket destroys the client's socket; false if it was already destroyed. */
export function destroyClientSocket(client: Client): boolean {
  const socket: unknown = Reflect.get(client, 'socket');
  if (socket === null || typeof socket !== 'object' || typeof (socket as Duplex).destroy !== 'function') {
    throw new Error('soak: Client has no private `socket` field any more; update test/soak/client-socket.ts');
  }
  const duplex = socket as Duplex;
  if (duplex.destroyed) return false;
  duplex.destroy();
  return true;
}
