// Stripe events signed as Stripe signs them, delivered to POST /api/stripe/webhook (imported on
// first use, so after setTestEnv).
import Stripe from "stripe";

const signer = new Stripe("sk_test_signer");
let seq = 0;

/** An event as Stripe's API sends it, in the API version the app reads. */
export function stripeEvent(type: string, object: object, created: number, id = `evt_test_${process.pid}_${++seq}`) {
  return {
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/**
 * Acme's Pro monthly subscription as a customer.subscription.* event carries it: made at
 * `created`, its period ending at `periodEnd` (seconds).
 */
export function proSubscription(
  ids: { id: string; itemId: string },
  times: { created: number; periodEnd: number },
  overrides: Record<string, unknown> = {},
) {
  return {
    id: ids.id,
    object: "subscription",
    customer: "cus_AcmeDemo000001",
    status: "active",
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
    trial_end: null,
    created: times.created,
    currency: "usd",
    metadata: {},
    items: {
      object: "list",
      data: [
        {
          id: ids.itemId,
          object: "subscription_item",
          current_period_end: times.periodEnd,
          price: {
            id: "price_pro_monthly",
            object: "price",
            nickname: "Pro",
            unit_amount: 4900,
            currency: "usd",
            recurring: { interval: "month" },
            product: "prod_pro",
          },
        },
      ],
    },
    ...overrides,
  };
}

/**
 * The request Stripe would send with `body`, signed with `secret`. A streamed body is signed as
 * `signedText`; `signature` replaces the header (null: none at all).
 */
export function signedWebhookRequest(
  body: string | ReadableStream<Uint8Array>,
  secret: string,
  opts: { signedText?: string; signature?: string | null } = {},
): Request {
  const payload = typeof body === "string" ? body : (opts.signedText ?? "");
  const signature =
    opts.signature === undefined ? signer.webhooks.generateTestHeaderString({ payload, secret }) : opts.signature;
  return new Request("http://localhost/api/stripe/webhook", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      ...(signature === null ? {} : { "stripe-signature": signature }),
    },
    ...(typeof body === "string" ? {} : { duplex: "half" }),
  } as RequestInit);
}

/** Delivers `event` (an object, or any text) signed with `secret`; answers the route's status, headers and JSON body. */
export async function deliverSigned(event: object | string, secret: string, opts: { signature?: string | null } = {}) {
  const { POST } = await import("@/app/api/stripe/webhook/route");
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const res = await POST(signedWebhookRequest(body, secret, opts));
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Delivers `object` as a `type` event created at `created` (seconds); answers the outcome. */
export async function deliverEvent(secret: string, type: string, object: object, created: number) {
  return (await deliverSigned(stripeEvent(type, object, created), secret)).body.outcome as string | undefined;
}
