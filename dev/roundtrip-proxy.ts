// A TCP pass-through that counts network round trips: one "flight" each time the client
// starts sending after the server last spoke. Pipelined queries share one flight.
// Used by the integration tests and the bench to count, not guess, database round trips.
import net from "node:net";

export type RoundTripProxy = {
  port: number;
  flights(): number;
  flightsLabelled(label: string): number;
  reset(): void;
  close(): Promise<void>;
};

/** `label` names a flight from its first bytes (e.g. which statement it carries), for counting by kind. */
export async function startRoundTripProxy(
  target: { host: string; port: number },
  opts: { label?: (firstChunk: Buffer) => string | undefined } = {},
): Promise<RoundTripProxy> {
  let flights = 0;
  let labelled = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    let serverSpokeLast = true;
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (serverSpokeLast) {
        flights++;
        const label = opts.label?.(chunk);
        if (label) labelled.set(label, (labelled.get(label) ?? 0) + 1);
      }
      serverSpokeLast = false;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      serverSpokeLast = true;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    flights: () => flights,
    flightsLabelled: (label) => labelled.get(label) ?? 0,
    reset: () => {
      flights = 0;
      labelled = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
