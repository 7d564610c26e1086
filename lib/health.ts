import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { stripe } from "@/lib/stripe";
import type { UnavailableCode } from "@/lib/billing/errors";

// What an uptime monitor asks: can this deployment reach its database, Stripe and Supabase
// Auth right now? Each probe is the cheapest call that proves it, all at once, each with its
// own short deadline, so the answer comes within CHECK_TIMEOUT_MS whatever hangs.

export const CHECK_TIMEOUT_MS = 2500;

export type HealthPart = "database" | "stripe" | "auth";
export type HealthReport = { ok: boolean; checks: Record<HealthPart, "ok" | UnavailableCode> };

const probes: Record<HealthPart, { code: UnavailableCode; run: (signal: AbortSignal) => Promise<unknown> }> = {
  database: {
    code: "database_unavailable",
    async run(signal) {
      const query = db()`select 1`;
      signal.addEventListener("abort", () => void query.cancel(), { once: true });
      await query;
    },
  },
  // The portal's own permission (a restricted key needs Customer portal access anyway), and
  // an answer with no customer data in it. No retries: the monitor asks again.
  stripe: {
    code: "stripe_unavailable",
    run: () =>
      stripe().billingPortal.configurations.list({ limit: 1 }, { timeout: CHECK_TIMEOUT_MS, maxNetworkRetries: 0 }),
  },
  // The JWKS every request's token check needs when its cache is cold.
  auth: {
    code: "auth_unavailable",
    async run(signal) {
      const e = env();
      const res = await fetch(`${e.supabaseUrl}/auth/v1/.well-known/jwks.json`, {
        headers: { apikey: e.supabasePublishableKey },
        signal,
        cache: "no-store",
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
    },
  },
};

async function probe(part: HealthPart): Promise<"ok" | UnavailableCode> {
  const { code, run } = probes[part];
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), { once: true }),
  );
  try {
    await Promise.race([run(signal), timedOut]);
    return "ok";
  } catch (err) {
    log.warn("health.unavailable", { part, ...errorFields(err) });
    return code;
  }
}

/** Every probe, once, in parallel. */
export async function checkHealth(): Promise<HealthReport> {
  const parts = Object.keys(probes) as HealthPart[];
  const results = await Promise.all(parts.map(probe));
  const checks = Object.fromEntries(parts.map((p, i) => [p, results[i]!])) as HealthReport["checks"];
  return { ok: results.every((r) => r === "ok"), checks };
}

// A public URL that calls Stripe must not let anyone spend the account's rate limit: callers
// at the same moment share one check, and a healthy answer is reused for a few seconds per
// instance. A failure is never reused, so recovery shows at once.
const HEALTHY_REUSE_MS = 5000;
let inFlight: Promise<HealthReport> | undefined;
let healthy: { at: number; report: HealthReport } | undefined;

export async function currentHealth(): Promise<HealthReport> {
  if (healthy && Date.now() - healthy.at < HEALTHY_REUSE_MS) return healthy.report;
  inFlight ??= checkHealth().finally(() => (inFlight = undefined));
  const report = await inFlight;
  healthy = report.ok ? { at: Date.now(), report } : undefined;
  return report;
}
