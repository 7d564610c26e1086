import "server-only";
import Stripe from "stripe";
import { type Deadline, settleWithin, TimeoutError } from "@/lib/deadline";
import { env } from "@/lib/env";

// One Stripe client per server instance. The API version is pinned so a Stripe-side
// default change never alters object shapes under us.
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

let client: Stripe | undefined;

export function stripe(): Stripe {
  if (client) return client;
  const e = env();
  const base = e.stripeApiBase;
  client = new Stripe(e.stripeSecretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: e.stripeMaxNetworkRetries,
    timeout: e.stripeTimeoutMs,
    appInfo: { name: "manage-billing" },
    telemetry: false,
    // Any Stripe-API-compatible endpoint (stripe-mock, a local stand-in); refused with live keys in lib/env.ts.
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
      protocol: base.protocol.replace(":", "") as "http" | "https",
    }),
  });
  return client;
}

/** Kept back from the deadline for answering the click after the last attempt. */
const ANSWER_RESERVE_MS = 500;
/** An attempt with less time than this left is not started. */
const MIN_ATTEMPT_MS = 1000;

export type AttemptOptions = { timeout: number; maxNetworkRetries: 0 };

/**
 * One Stripe request within what is left of a click's deadline. Its retries (up to
 * STRIPE_MAX_NETWORK_RETRIES, for the failures stripe-node itself retries, with stripe-node's
 * backoff) share that budget: each attempt may take STRIPE_TIMEOUT_MS or what is left, whichever
 * is less, and none starts that could not end in time. `call` must pass the options and one
 * idempotency key to every attempt, so that a retry never makes a second object.
 */
export async function callStripeWithin<T>(deadline: Deadline, call: (options: AttemptOptions) => Promise<T>) {
  const e = env();
  for (let retry = 0; ; retry++) {
    const timeout = Math.floor(Math.min(e.stripeTimeoutMs, deadline.remainingMs() - ANSWER_RESERVE_MS));
    if (timeout < MIN_ATTEMPT_MS) throw new TimeoutError("Stripe", timeout);
    try {
      // The SDK still retries a reset connection once by itself; the race keeps the bound anyway.
      return await settleWithin(call({ timeout, maxNetworkRetries: 0 }), timeout + 50, "Stripe");
    } catch (err) {
      if (retry >= e.stripeMaxNetworkRetries || !isRetryable(err)) throw err;
      const wait = backoffMs(retry);
      if (deadline.remainingMs() - ANSWER_RESERVE_MS - wait < MIN_ATTEMPT_MS) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

// As stripe-node's RequestSender._shouldRetry: no answer, Stripe's own advice, 409, 5xx.
function isRetryable(err: unknown): boolean {
  if (err instanceof TimeoutError || err instanceof Stripe.errors.StripeConnectionError) return true;
  if (!(err instanceof Stripe.errors.StripeError)) return false;
  const advice = err.headers?.["stripe-should-retry"];
  if (advice === "true" || advice === "false") return advice === "true";
  return err.statusCode === 409 || (err.statusCode ?? 0) >= 500;
}

// As stripe-node's _getSleepTimeInMS: 0.5 s doubling per retry, at most 5 s, jittered, never under 0.5 s.
function backoffMs(retry: number): number {
  const seconds = Math.min(0.5 * 2 ** (retry - 1), 5) * 0.5 * (1 + Math.random());
  return Math.max(0.5, seconds) * 1000;
}
