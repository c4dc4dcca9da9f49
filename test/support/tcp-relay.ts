/**
 * A TCP relay between clients and one server, with a tap on what each
 * client sends: for recording the exact bytes a peer put on the wire, or
 * for losing some of them on the way.
 */
import net from 'node:net';

/** TcpRelay is a listening relay. */
export interface TcpRelay {
  /** The relay's `127.0.0.1:port`, to dial instead of the server. */
  readonly address: string;
  /** close destroys every relayed connection and stops listening. */
  close(): void;
}

/**
 * startTcpRelay relays every connection it accepts to `host:port`. Each
 * chunk a client sends goes to `fromClient` with the connection's number
 * (0 for the first accepted) and is forwarded when it returns true; the
 * server's bytes always reach the client. Either side ending ends both.
 */
export async function startTcpRelay(host: string, port: number, fromClient: (chunk: Buffer, connection: number) => boolean): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const relay = net.createServer((inbound) => {
    const connection = accepted++;
    const outbound = net.connect({ host, port });
    sockets.add(inbound).add(outbound);
    inbound.on('data', (chunk: Buffer) => {
      if (fromClient(chunk, connection)) outbound.write(chunk);
    });
    outbound.pipe(inbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}
