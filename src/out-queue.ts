import type { Writable } from 'node:stream';

/** Batches up to this size are joined into one buffer; larger ones are written part by part. */
const JOIN_LIMIT = 256 * 1024;

/**
 * OutQueue collects encoded messages between flushes and writes them in
 * one go: a small batch as one joined buffer (one write, one syscall), a
 * batch holding large payloads as a corked series of writes (one writev),
 * so large byte payloads reach the socket without being copied.
 */
export class OutQueue {
  private parts: Uint8Array[] = [];
  private bytes = 0;

  /** isEmpty reports whether nothing is queued. */
  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  /** push queues one message, given whole or as consecutive parts. */
  push(message: Uint8Array | Uint8Array[]): void {
    if (message instanceof Uint8Array) {
      this.parts.push(message);
      this.bytes += message.length;
    } else {
      for (const part of message) {
        this.parts.push(part);
        this.bytes += part.length;
      }
    }
  }

  /** writeTo writes everything queued to `socket` and empties the queue. */
  writeTo(socket: Writable): void {
    const parts = this.parts;
    const bytes = this.bytes;
    this.parts = [];
    this.bytes = 0;
    if (parts.length === 1) {
      socket.write(parts[0]!);
    } else if (bytes <= JOIN_LIMIT) {
      socket.write(Buffer.concat(parts, bytes));
    } else {
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
    }
  }

  /** clear drops everything queued. */
  clear(): void {
    this.parts = [];
    this.bytes = 0;
  }
}
