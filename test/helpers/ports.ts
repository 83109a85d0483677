/**
 * Loopback port helpers for tests and benchmarks. Not for starting a server: a port picked here can
 * be taken before the server binds it. Servers pick their own (startTestServer reads the ports file).
 */
import net from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago: for "nothing listens there" cases. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something on 127.0.0.1:`port` accepts a TCP connection. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
