/** FRAME_HEADER is the length prefix of the floor's frames: a 4-byte big-endian payload length. */
export const FRAME_HEADER = 4;

/**
 * FrameSplitter accumulates stream chunks and reports each complete
 * length-prefixed frame: `onFrames(count, bytes)` gets how many whole
 * frames ended in this chunk and the bytes that hold exactly them
 * (so an echo server can write them back as they are).
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes needed before the next frame can be complete. */
  private need = FRAME_HEADER;
  private readonly onFrames: (count: number, bytes: Buffer) => void;

  /** Creates a splitter that calls `onFrames` after each chunk with complete frames. */
  constructor(onFrames: (count: number, bytes: Buffer) => void) {
    this.onFrames = onFrames;
  }

  /** push feeds one chunk from the socket; chunks are joined only once a frame is complete. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    if (this.total < this.need) return;
    const buf = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.total);
    let off = 0;
    let count = 0;
    this.need = FRAME_HEADER;
    while (buf.length - off >= FRAME_HEADER) {
      const len = buf.readUInt32BE(off);
      if (buf.length - off - FRAME_HEADER < len) {
        this.need = FRAME_HEADER + len;
        break;
      }
      off += FRAME_HEADER + len;
      count++;
    }
    const rest = buf.subarray(off);
    this.chunks = rest.length === 0 ? [] : [rest];
    this.total = rest.length;
    if (count > 0) this.onFrames(count, buf.subarray(0, off));
  }
}
