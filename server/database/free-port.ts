import net from 'node:net';

/** A TCP port nothing listens on right now (the kernel picks it), for servers of tests and benchmarks. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The port named by an environment variable, else a free one: two checkouts or a bench beside the tests never collide. */
export async function portFromEnvironment(variable: string): Promise<number> {
  const value = process.env[variable];
  if (value) {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable} must be a TCP port, not "${value}"`);
    return port;
  }
  return freePort();
}
