// A TCP proxy that misbehaves on demand, put between the app and a dependency (PostgreSQL,
// Stripe, the auth server) to see what the app does when that dependency does:
//   pass    forwards both ways
//   refuse  stops listening: new connections are refused (ECONNREFUSED), open ones are reset
//   hang    holds every byte both ways, open connections and new ones alike: TCP stays up,
//           nothing answers (a stalled server); `pass` again delivers what was held
//   drop    resets every open connection, and each new one as it arrives
//   delay   forwards every chunk `delayMs` late
// Tests switch modes at runtime with set() and wait for traffic with stats().
import net from "node:net";

export type FaultMode = "pass" | "refuse" | "hang" | "drop" | "delay";

export type FaultProxy = {
  port: number;
  mode(): FaultMode;
  set(mode: FaultMode, opts?: { delayMs?: number }): Promise<void>;
  /** Connections accepted and bytes that reached each side since the start; bytes held now. */
  stats(): { connections: number; toTarget: number; fromTarget: number; held: number };
  close(): Promise<void>;
};

type Direction = { from: net.Socket; to: net.Socket; held: Buffer[]; nextAt: number; count: (n: number) => void };

export async function startFaultProxy(
  target: { host: string; port: number },
  opts: { port?: number } = {},
): Promise<FaultProxy> {
  let mode: FaultMode = "pass";
  let delayMs = 0;
  const stats = { connections: 0, toTarget: 0, fromTarget: 0 };
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; directions: Direction[] }>();

  const send = (d: Direction, chunk: Buffer) => {
    if (mode === "delay") {
      // Chunks keep their order: each leaves no earlier than the one before it.
      d.nextAt = Math.max(Date.now() + delayMs, d.nextAt);
      setTimeout(() => d.to.destroyed || (d.count(chunk.length), d.to.write(chunk)), d.nextAt - Date.now());
    } else if (!d.to.destroyed) {
      d.count(chunk.length);
      d.to.write(chunk);
    }
  };
  const relay = (d: Direction) =>
    d.from.on("data", (chunk) => {
      if (mode === "hang") {
        d.held.push(chunk);
        d.from.pause();
      } else send(d, chunk);
    });

  const server = net.createServer((client) => {
    stats.connections++;
    if (mode === "drop") return void client.resetAndDestroy();
    const upstream = net.connect(target.port, target.host);
    const directions: Direction[] = [
      { from: client, to: upstream, held: [], nextAt: 0, count: (n) => (stats.toTarget += n) },
      { from: upstream, to: client, held: [], nextAt: 0, count: (n) => (stats.fromTarget += n) },
    ];
    const pair = { client, upstream, directions };
    pairs.add(pair);
    // In hang mode the first chunk each way is held and its socket paused (see relay).
    directions.forEach(relay);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const resetAll = () => {
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
  };

  await listen(opts.port ?? 0);
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    mode: () => mode,
    stats: () => ({
      ...stats,
      held: [...pairs].reduce(
        (n, p) => n + p.directions.reduce((m, d) => m + d.held.reduce((k, c) => k + c.length, 0), 0),
        0,
      ),
    }),
    async set(next, o = {}) {
      const was = mode;
      mode = next;
      delayMs = o.delayMs ?? 0;
      if (next === "refuse" || next === "drop") resetAll();
      if (next === "refuse") {
        // close() resolves once open connections are gone: they were just reset.
        await stopListening();
      } else if (was === "refuse") await listen(port);
      if (next !== "hang")
        for (const { directions } of pairs)
          for (const d of directions) {
            for (const chunk of d.held.splice(0)) send(d, chunk);
            d.from.resume();
          }
    },
    async close() {
      resetAll();
      await stopListening();
    },
  };
}
