/**
 * How a client tells the server that it gave up on a call, so the handler
 * can stop work:
 * - msgpack: the msgpack-rpc notification `[2, "$/cancel", [msgid]]`;
 * - gob and json: a call to `_goRPC_.Cancel` whose argument is the
 *   sequence number of the abandoned call (the convention of the
 *   keegancsmith/rpc fork of net/rpc). netrpc servers send no reply to it;
 *   a stock Go server answers "can't find service", which the client drops.
 */
export const CANCEL_NOTIFICATION = '$/cancel';

/** CANCEL_METHOD is the service method gob and json clients call to cancel. */
export const CANCEL_METHOD = '_goRPC_.Cancel';
