// Signed Stripe events delivered to POST /api/stripe/webhook, as Stripe sends them.
import Stripe from "stripe";

const signer = new Stripe("sk_test_signer");
let seq = 0;

/** Delivers `object` as a `type` event created at `created` (seconds); answers the outcome. */
export async function deliverEvent(secret: string, type: string, object: object, created: number) {
  const { POST } = await import("@/app/api/stripe/webhook/route");
  const body = JSON.stringify({
    id: `evt_signed_${process.pid}_${++seq}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret });
  const res = await POST(
    new Request("http://localhost/api/stripe/webhook", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "stripe-signature": signature },
    }),
  );
  return ((await res.json()) as { outcome?: string }).outcome;
}

/** The claims of a verified Supabase access token for `sub`. */
export const claimsFor = (sub: string) => ({
  sub,
  role: "authenticated" as const,
  aud: "authenticated" as const,
  exp: Math.floor(Date.now() / 1000) + 3600,
});

/** The Stripe stand-in's /__control endpoints (counters, faults, seeded customers). */
export function standInControl(url: string) {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__control/${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await res.json()) as T;
  };
  return {
    control,
    /** Zeroes the counters and drops queued faults; the stand-in's objects stay. */
    reset: async () => {
      await control("DELETE", "counters");
      await control("DELETE", "faults");
    },
    calls: async () => (await control<{ calls: Record<string, number> }>("GET", "counters")).calls,
  };
}
