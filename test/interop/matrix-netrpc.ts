/**
 * netrpc's side of the Go value matrix: a Matrix service (untyped, as
 * rpc-serve's Echo handlers are, or typed by a contract built from the Go
 * program's own types with the go.* builders), and clients dialled per
 * transport. A transport is one entry of `matrixDialers`.
 */
import { z } from 'zod';
import type { Client } from '../../src/client/client.js';
import { dial } from '../../src/client/dial.js';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { GoType } from '../../src/codec/go-type.js';
import { defineService, implement } from '../../src/contract/contract.js';
import type { MethodSchemas, ServiceContract } from '../../src/contract/contract.js';
import { go } from '../../src/contract/go-schemas.js';
import { Server } from '../../src/server/server.js';
import { caseMethods, matrixCases, matrixFailText } from './matrix-cases.js';
import type { MatrixCodec, MatrixTransport } from './matrix-cases.js';

/** MatrixGoTypes maps each case to its Go type (null: recursive, so undeclared). */
export type MatrixGoTypes = Readonly<Record<string, GoType | null>>;

/**
 * matrixDialers connects a netrpc client to a Matrix server per transport
 * and codec: HTTP CONNECT (Go's rpc.DialHTTP) and plain TCP (Go's rpc.Dial).
 */
export const matrixDialers: Partial<Record<MatrixTransport, (address: string, codec: MatrixCodec) => Promise<Client>>> = {
  http: (address, codec) => dialHTTP(address, { codec }),
  tcp: (address, codec) => dial(address, { codec }),
};

/** dialedTransports lists the transports netrpc clients can use in the matrix. */
export function dialedTransports(): MatrixTransport[] {
  return (Object.keys(matrixDialers) as MatrixTransport[]).filter((t) => matrixDialers[t] !== undefined);
}

/** goTypeToSchema builds the zod schema of a GoType from the go.* builders. */
export function goTypeToSchema(t: GoType): z.ZodType {
  switch (t.kind) {
    case 'bool':
      return go.bool();
    case 'string':
      return t.raw ? go.rawString() : go.string();
    case 'bytes':
      return go.bytes();
    case 'time':
      return go.time();
    case 'int':
      return t.bits === undefined ? go.int() : t.bits === 64 ? go.int64() : t.bits === 32 ? go.int32() : t.bits === 16 ? go.int16() : go.int8();
    case 'uint':
      return t.bits === undefined ? go.uint() : t.bits === 64 ? go.uint64() : t.bits === 32 ? go.uint32() : t.bits === 16 ? go.uint16() : go.uint8();
    case 'float':
      return t.bits === 32 ? go.float32() : go.float64();
    case 'complex':
      return t.bits === 64 ? go.complex64() : go.complex128();
    case 'interface':
      return go.interface(Object.fromEntries(Object.entries(t.types ?? {}).map(([name, ct]) => [name, goTypeToSchema(ct)])));
    case 'pointer':
      return go.pointer(goTypeToSchema(t.elem));
    case 'slice':
      return go.slice(goTypeToSchema(t.elem));
    case 'array':
      return go.array(goTypeToSchema(t.elem), t.len);
    case 'map':
      return go.map(goTypeToSchema(t.key), goTypeToSchema(t.elem));
    case 'struct':
      return go.struct(t.name ?? '', Object.fromEntries(t.fields.map((f) => [f.name, goTypeToSchema(f.type)])));
  }
}

const EMPTY = z.object({});

/**
 * matrixContract declares the Matrix service's Echo, Get and Check
 * methods of every case, and Fail, from the Go program's types; a
 * recursive case is declared z.unknown() (inferred from the value).
 */
export function matrixContract(types: MatrixGoTypes, service = 'Matrix'): ServiceContract {
  const methods: Record<string, { args: z.ZodType; reply: z.ZodType }> = {};
  for (const c of matrixCases) {
    const t = types[c.name];
    const schema = t ? goTypeToSchema(t) : z.unknown();
    methods[`Echo${c.name}`] = { args: schema, reply: schema };
    methods[`Get${c.name}`] = { args: EMPTY, reply: schema };
    methods[`Check${c.name}`] = { args: schema, reply: EMPTY };
  }
  methods.Fail = { args: EMPTY, reply: EMPTY };
  return defineService(service, methods as MethodSchemas);
}

function fail(): never {
  throw new Error(matrixFailText);
}

/** echoHandlers has an Echo<Case> handler returning its argument for every case, and Fail. */
function echoHandlers(): Record<string, (args: unknown) => unknown> {
  const impl: Record<string, (args: unknown) => unknown> = { Fail: fail };
  for (const c of matrixCases) impl[caseMethods(c.name, '').echo.slice(1)] = (args) => args;
  return impl;
}

/** MatrixServer is a netrpc server running the Matrix service. */
export interface MatrixServer {
  readonly server: Server;
  readonly address: string;
}

/**
 * startNetrpcMatrix serves Matrix on a loopback port: `untyped` as a plain
 * object of Echo handlers (rpc-serve's way), `typed` through the contract
 * (arguments conformed and validated, replies validated and encoded as
 * their declared Go types). Get and Check are not served.
 */
export async function startNetrpcMatrix(kind: 'untyped' | 'typed', types: MatrixGoTypes): Promise<MatrixServer> {
  const server = new Server();
  if (kind === 'untyped') {
    server.register('Matrix', echoHandlers());
  } else {
    const contract = matrixContract(types);
    const impl = echoHandlers();
    for (const c of matrixCases) {
      impl[`Get${c.name}`] = () => fail();
      impl[`Check${c.name}`] = () => fail();
    }
    server.register(implement(contract, impl as never));
  }
  const { port } = await server.listen({ port: 0 });
  return { server, address: `127.0.0.1:${port}` };
}
