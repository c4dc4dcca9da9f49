/**
 * The grpc-js benchmark server: benchGrpcService with unary handlers
 * (Multiply returns A*B, Struct and Bytes echo). Prints `listening HOST:PORT`.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { benchGrpcService } from '../grpc-definition.js';

const server = new Server({ 'grpc.max_receive_message_length': 8 << 20, 'grpc.max_send_message_length': 8 << 20 });
server.addService(benchGrpcService, {
  Multiply: (call: ServerUnaryCall<{ A: number; B: number }, number>, cb: sendUnaryData<number>) => cb(null, call.request.A * call.request.B),
  Struct: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => cb(null, call.request),
  Bytes: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, call.request),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`listening 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
