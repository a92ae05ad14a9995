import type { FastifyInstance } from 'fastify';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:3000 (the real port when 0 was asked for). */
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight (not the app: its owner closes it). */
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one). The only place that calls `listen`. */
export async function startServer(
  instance: FastifyInstance,
  opts: { readonly host: string; readonly port: number },
): Promise<RunningServer> {
  await instance.listen({ host: opts.host, port: opts.port });
  const address = instance.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () => instance.close(),
  };
}
