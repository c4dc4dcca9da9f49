/**
 * The floor's client: sends length-prefixed frames as large as the netrpc
 * msgpack request of the scenario, keeps `inflight` frames outstanding per
 * connection, and matches replies to requests by order (FIFO).
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { msgpackCodec } from '../../src/index.js';
import { parseClientArgs } from '../client-args.js';
import { FRAME_HEADER, FrameSplitter } from '../frame.js';
import { runLoad } from '../load.js';
import type { Caller } from '../load.js';
import { BYTES_PAYLOAD, SmallArgs, STRUCT_PAYLOAD_BYTES, makeBytes, makeRecord1k } from '../payloads.js';
import { printResult } from '../result.js';
import { findScenario } from '../scenarios.js';

const args = parseClientArgs(process.argv.slice(2));
const scenario = findScenario(args.scenario);

/** The netrpc msgpack request of this scenario, whose size the frames copy. */
function requestSize(): { size: number; bytesPerCall: number } {
  const codec = msgpackCodec.newClientCodec({ maxDepth: 100 });
  const encodeRequest = (_: unknown, seq: number, serviceMethod: string, args: unknown): number => {
    const bytes = codec.encode({ type: 'request', seq, serviceMethod, args });
    return bytes instanceof Uint8Array ? bytes.length : bytes.reduce((n, part) => n + part.length, 0);
  };
  switch (scenario.payload) {
    case 'small':
      return { size: encodeRequest(codec, 100_000, 'Arith.Multiply', SmallArgs), bytesPerCall: 0 };
    case 'struct1k':
      return { size: encodeRequest(codec, 100_000, 'Bench.Struct', makeRecord1k()), bytesPerCall: 2 * STRUCT_PAYLOAD_BYTES };
    case 'bytes1m':
      return { size: encodeRequest(codec, 100_000, 'Bench.Bytes', makeBytes()), bytesPerCall: 2 * BYTES_PAYLOAD };
  }
}

const { size, bytesPerCall } = requestSize();
const frame = Buffer.alloc(FRAME_HEADER + size, 0x5a);
frame.writeUInt32BE(size, 0);

function open(): Promise<Socket> {
  const [host, port] = [args.addr.slice(0, args.addr.lastIndexOf(':')), Number(args.addr.slice(args.addr.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** A caller per connection: a ring of waiting callbacks, answered in order; writes in one tick go out together. */
function makeCaller(socket: Socket): Caller {
  const ring: Array<((err?: unknown) => void) | undefined> = new Array(args.inflight + 1);
  let head = 0;
  let tail = 0;
  let queued = 0;
  const flush = (): void => {
    const n = queued;
    queued = 0;
    socket.cork();
    for (let i = 0; i < n; i++) socket.write(frame);
    socket.uncork();
  };
  const splitter = new FrameSplitter((count) => {
    for (let i = 0; i < count; i++) {
      const done = ring[head]!;
      ring[head] = undefined;
      head = (head + 1) % ring.length;
      done();
    }
  });
  socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  return (done) => {
    ring[tail] = done;
    tail = (tail + 1) % ring.length;
    if (queued++ === 0) process.nextTick(flush);
  };
}

const sockets: Socket[] = [];
for (let i = 0; i < args.conns; i++) sockets.push(await open());
const result = await runLoad({ callers: sockets.map(makeCaller), inflight: args.inflight, warmupMs: args.warmupMs, durationMs: args.durationMs, bytesPerCall });
printResult(result);
for (const s of sockets) s.destroy();
process.exit(0);
