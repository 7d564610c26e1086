import "server-only";
import Stripe from "stripe";
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
