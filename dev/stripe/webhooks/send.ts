// One signed POST of an event to an endpoint, as Stripe sends it; the answer's status, or
// "error" when nothing answered (refused, reset, or no answer within 10 s).
import Stripe from "stripe";

export async function sendSigned(url: string, payload: string, secret: string): Promise<number | "error"> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature,
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      },
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return "error";
  }
}
