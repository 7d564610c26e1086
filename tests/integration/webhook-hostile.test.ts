// POST /api/stripe/webhook with correctly signed bodies that are not Stripe events, and with
// bodies over the cap: 4xx, and nothing written.
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signedWebhookRequest } from "./signed-events.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const SECRET = "whsec_hostile+test/secret=";
let stack: TestStack;
let sql: postgres.Sql;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  stack = await startTestStack({ env: { STRIPE_WEBHOOK_SECRET: SECRET } });
  ({ POST } = await import("@/app/api/stripe/webhook/route"));
  ({ sql } = stack);
});

afterAll(() => stack?.cleanup());

const written = async () =>
  (
    await sql`select (select count(*) from public.stripe_events)::int as events,
                     (select count(*) from public.billing_subscriptions)::int as subs,
                     (select count(*) from public.billing_customers)::int as customers`
  )[0];

const signedRequest = (body: string | ReadableStream<Uint8Array>, signedText?: string) =>
  signedWebhookRequest(body, SECRET, { signedText });

const event = (overrides: Record<string, unknown> = {}) => ({
  id: "evt_hostile_1",
  object: "event",
  created: 1_790_000_000,
  type: "customer.subscription.updated",
  data: { object: { id: "sub_x", object: "subscription", customer: "cus_AcmeDemo000001" } },
  ...overrides,
});

describe("signed bodies that are not Stripe events", () => {
  test.each([
    ["{}", "{}"],
    ["[]", "[]"],
    ["null", "null"],
    ["a string", '"evt_1"'],
    ["a number", "42"],
    ["no id", JSON.stringify(event({ id: undefined }))],
    ["an id that is not an event's", JSON.stringify(event({ id: "cus_123" }))],
    ["no type", JSON.stringify(event({ type: undefined }))],
    ["a type that is not a string", JSON.stringify(event({ type: ["customer.updated"] }))],
    ["no data", JSON.stringify(event({ data: undefined }))],
    ["no data.object", JSON.stringify(event({ data: {} }))],
    ["data.object null", JSON.stringify(event({ data: { object: null } }))],
    ["data.object an array", JSON.stringify(event({ data: { object: [] } }))],
    ["data.object without its type", JSON.stringify(event({ data: { object: { id: "sub_x" } } }))],
    ["object other than event", JSON.stringify(event({ object: "customer" }))],
    ["created not a number", JSON.stringify(event({ created: "yesterday" }))],
    ["not JSON", "{not json"],
  ])("%s → 400 invalid_request, nothing written", async (_name, body) => {
    const before = await written();
    const res = await POST(signedRequest(body));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_request");
    expect(await written()).toEqual(before);
  });
});

describe("body size cap (512 KB)", () => {
  test("a signed body over the cap is refused with 413 before it is parsed", async () => {
    const big = JSON.stringify(event({ data: { object: { object: "customer", pad: "x".repeat(600 * 1024) } } }));
    const res = await POST(signedRequest(big));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe("payload_too_large");
    expect((await written())?.events).toBe(0);
  });

  test("a streamed body without Content-Length is cut off at the cap", async () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await POST(signedRequest(stream, "{}"));
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024); // stopped reading, not buffered whole
  });

  test("a large but real-sized event (100 KB) is still applied", async () => {
    const body = JSON.stringify(
      event({
        id: "evt_hostile_big",
        type: "customer.updated",
        data: {
          object: {
            id: "cus_AcmeDemo000001",
            object: "customer",
            metadata: { company_id: "x" },
            pad: "y".repeat(100 * 1024),
          },
        },
      }),
    );
    const res = await POST(signedRequest(body));
    expect(res.status).toBe(200);
  });
});
