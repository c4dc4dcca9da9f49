/**
 * The floor's server: a raw TCP echo of length-prefixed frames. No codec,
 * no dispatch: every complete frame that arrives in a chunk is written
 * back (all of a chunk's frames in one write). Prints `listening HOST:PORT`.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FrameSplitter } from '../frame.js';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  const splitter = new FrameSplitter((_count, bytes) => {
    socket.write(bytes);
  });
  socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(`listening ${address}:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
