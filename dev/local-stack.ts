// Names and keys of the local stack, shared by dev/start.ts and the e2e configuration.
// The keys are placeholders the stand-ins accept; they unlock nothing anywhere else.
import { HANDLED_EVENT_TYPES } from "../lib/billing/webhooks/event-types.ts";

export const LOCAL_PUBLISHABLE_KEY = "sb_publishable_local_stand_in_key_0000";
export const LOCAL_STRIPE_KEY = "sk_test_local_stand_in_key_0000";
export const LOCAL_WEBHOOK_SECRET = "whsec_local_stand_in_secret_0000";
/** What GET /api/cron/reconcile takes on a stack with the Stripe stand-in (Authorization: Bearer …). */
export const LOCAL_CRON_SECRET = "cron_local_stand_in_secret_0000";
/**
 * The stand-in's endpoint listens to what the app handles, as a production endpoint set up as the
 * README says would.
 */
export const LOCAL_WEBHOOK_EVENTS: string[] = [...HANDLED_EVENT_TYPES];

export type LocalPorts = { app: number; postgres: number; auth: number; stripe: number };

/** The environment Next gets when every service is a local one. */
export function localStackEnv(ports: LocalPorts): Record<string, string> {
  return {
    DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/app`,
    NEXT_PUBLIC_SUPABASE_URL: `http://127.0.0.1:${ports.auth}`,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    STRIPE_SECRET_KEY: LOCAL_STRIPE_KEY,
    STRIPE_API_BASE: `http://127.0.0.1:${ports.stripe}`,
    STRIPE_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRET,
    CRON_SECRET: LOCAL_CRON_SECRET,
    APP_URL: `http://localhost:${ports.app}`,
    PORT: String(ports.app),
  };
}
