/**
 * Logger is the logging interface netrpc accepts: the subset of pino's
 * logger it uses (fastify takes the same). Each method takes an object of
 * fields and a message, as pino does; `child` returns a logger that adds
 * `bindings` to every line. A pino instance fits as it is.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): Logger;
}
