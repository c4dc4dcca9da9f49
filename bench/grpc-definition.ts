import type { ServiceDefinition } from '@grpc/grpc-js';

const toJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const fromJson = (b: Buffer): unknown => JSON.parse(b.toString('utf8')) as unknown;
const raw = (b: Buffer): Buffer => b;

function unary(path: string, serialize: (v: never) => Buffer, deserialize: (b: Buffer) => unknown): ServiceDefinition[string] {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  } as ServiceDefinition[string];
}

/**
 * benchGrpcService is a hand-written grpc-js service definition (no
 * .proto, no code generation): Multiply and Struct carry JSON, Bytes
 * carries the raw bytes as the message.
 */
export const benchGrpcService: ServiceDefinition = {
  Multiply: unary('/bench.Bench/Multiply', toJson, fromJson),
  Struct: unary('/bench.Bench/Struct', toJson, fromJson),
  Bytes: unary('/bench.Bench/Bytes', raw, raw),
};
