// A TCP pass-through that counts network round trips: one "flight" each time the client
// starts sending after the server last spoke. Pipelined queries share one flight.
// Used by the integration tests and the bench to count, not guess, database round trips.
import net from "node:net";

export type RoundTripProxy = { port: number; flights(): number; reset(): void; close(): Promise<void> };

export async function startRoundTripProxy(target: { host: string; port: number }): Promise<RoundTripProxy> {
  let flights = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    let serverSpokeLast = true;
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (serverSpokeLast) flights++;
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
    reset: () => void (flights = 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
