/**
 * The JSON-RPC over WebSocket benchmark server (the `ws` package): one
 * JSON-RPC 2.0 request per text message, answered on the same socket as
 * soon as it is handled. Methods as the netrpc bench server: Arith.Multiply,
 * Bench.Struct (echo) and Bench.Base64 (echo of the base64 text a `[]byte`
 * travels as in JSON). Prints `listening HOST:PORT`.
 */
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

type Params = [unknown];
const methods: Record<string, (p: Params) => unknown> = {
  'Arith.Multiply': ([a]) => (a as { A: number }).A * (a as { B: number }).B,
  'Bench.Struct': ([r]) => r,
  'Bench.Base64': ([s]) => s,
};

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 << 20 });
server.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const req = JSON.parse(data.toString()) as { id: number; method: string; params: Params };
    const method = methods[req.method];
    const reply = method
      ? { jsonrpc: '2.0', id: req.id, result: method(req.params) }
      : { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `no method ${req.method}` } };
    ws.send(JSON.stringify(reply));
  });
  ws.on('error', () => ws.terminate());
});
server.on('listening', () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(`listening ${address}:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
