import { createRequire } from 'node:module';
import type { Command } from './process.js';
import { nodeScript } from './process.js';

/** Subject is one client→server pairing measured in every scenario. */
export interface Subject {
  /** Row label. */
  readonly name: string;
  /** Key used in ratios and JSON. */
  readonly key: SubjectKey;
  /** Codec passed to the client (netrpc only). */
  readonly codec: string;
  /** Server command (or why it cannot run). */
  readonly server: Command | string;
  /** Client command without the per-run flags (or why it cannot run). */
  readonly client: Command | string;
  /** The scenarios it runs in; all when absent. */
  readonly scenarios?: readonly string[];
}

/** SubjectKey names the subjects. */
export type SubjectKey = 'msgpack' | 'msgpack-otel' | 'gob' | 'json' | 'go' | 'go-netrpc' | 'grpc' | 'ws' | 'floor';

/** GoBinaries are the built Go programs, or why there are none. */
export type GoBinaries = { server: string; client: string } | string;

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** buildSubjects lists the subjects in report order. */
export function buildSubjects(go: GoBinaries): Subject[] {
  const netrpcServer = nodeScript('./servers/netrpc-server.ts');
  const netrpcClient = nodeScript('./clients/netrpc-client.ts');
  const goServer: Command | string = typeof go === 'string' ? go : { file: go.server, args: [] };
  const goClient: Command | string = typeof go === 'string' ? go : { file: go.client, args: [] };
  const grpc = installed('@grpc/grpc-js');
  const ws = installed('ws');
  return [
    { name: 'netrpc msgpack', key: 'msgpack', codec: 'msgpack', server: netrpcServer, client: netrpcClient },
    {
      name: 'netrpc msgpack + OTel',
      key: 'msgpack-otel',
      codec: 'msgpack',
      server: nodeScript('./servers/netrpc-server.ts', ['--otel']),
      client: nodeScript('./clients/netrpc-client.ts', ['--otel']),
      scenarios: ['seq', 'inflight64'],
    },
    { name: 'netrpc gob', key: 'gob', codec: 'gob', server: netrpcServer, client: netrpcClient },
    { name: 'netrpc json', key: 'json', codec: 'json', server: netrpcServer, client: netrpcClient },
    { name: 'Go net/rpc (Go→Go, gob)', key: 'go', codec: 'gob', server: goServer, client: goClient },
    { name: 'Go client → netrpc (gob)', key: 'go-netrpc', codec: 'gob', server: netrpcServer, client: goClient },
    {
      name: 'grpc-js (JSON)',
      key: 'grpc',
      codec: 'json',
      server: grpc ? nodeScript('./servers/grpc-server.ts') : '@grpc/grpc-js not installed',
      client: grpc ? nodeScript('./clients/grpc-client.ts') : '@grpc/grpc-js not installed',
    },
    {
      name: 'JSON-RPC over ws',
      key: 'ws',
      codec: 'json',
      server: ws ? nodeScript('./servers/ws-server.ts') : 'ws not installed',
      client: ws ? nodeScript('./clients/ws-client.ts') : 'ws not installed',
    },
    { name: 'floor (raw socket echo)', key: 'floor', codec: 'none', server: nodeScript('./servers/floor-server.ts'), client: nodeScript('./clients/floor-client.ts') },
  ];
}
