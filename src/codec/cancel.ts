import type { CallIds } from './call-ids.js';
import type { ServerCancel } from './codec.js';

/**
 * How a client tells the server that it gave up on a call, so the handler
 * can stop work:
 * - msgpack: the msgpack-rpc notification `[2, "$/cancel", [msgid]]`;
 * - gob and json: a call to `_goRPC_.Cancel` whose argument is the
 *   sequence number of the abandoned call (the convention of the
 *   keegancsmith/rpc fork of net/rpc). netrpc servers send no reply to it;
 *   a stock Go server answers "can't find service", which the client drops.
 * Server codecs decode either form into a {@link ServerCancel}, so the
 * connection never sees these names.
 */
export const CANCEL_NOTIFICATION = '$/cancel';

/** CANCEL_METHOD is the service method gob and json clients call to cancel. */
export const CANCEL_METHOD = '_goRPC_.Cancel';

/**
 * cancelOf is the cancel message for the call whose wire id is `target`,
 * or undefined when the codec never saw such a call (nothing to stop). A
 * mapped id is forgotten: a cancelled call gets no reply.
 */
export function cancelOf(ids: CallIds, target: unknown): ServerCancel | undefined {
  const id = ids.find(target);
  if (id === undefined) return undefined;
  if (id < 0) ids.wire(id);
  return { type: 'cancel', id };
}
