// A local HTTP endpoint for what the Stripe stand-in delivers (signed events), on a free port.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type IncomingWebhook = { path: string; body: Buffer<ArrayBuffer>; signature: string };
export type WebhookReceiver = { origin: string; close(): Promise<void> };

/** `answer` gets each request once its whole body has arrived, and answers it (or holds it). */
export async function startWebhookReceiver(
  answer: (request: IncomingWebhook, res: ServerResponse) => void,
): Promise<WebhookReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () =>
      answer(
        {
          path: req.url ?? "",
          body: Buffer.concat(chunks),
          signature: String(req.headers["stripe-signature"] ?? ""),
        },
        res,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      // A held answer, or the stand-in's kept-alive connection, would keep close() waiting.
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
