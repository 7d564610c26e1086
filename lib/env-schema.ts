import { z } from "zod";

// Every variable the server reads, and how each is checked. Pure (it reads only the record it is
// given) so that next.config.js can check a build's variables too; the app reads the result
// through lib/env.ts. A bad value names the variable, what is wrong with it and the fix.

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const PLAN_PRICE = /^[A-Za-z0-9_.:-]{1,200}$/;
const flag = () =>
  z.preprocess(emptyAsUndefined, z.enum(["true", "false"], { error: "must be true or false" }).optional());

const origin = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && u.origin === v.replace(/\/$/, "");
  } catch {
    return false;
  }
}, "must be an origin such as https://app.example.com (scheme and host, no path)");

/**
 * A whole number within bounds; unset or empty takes the default. These values are not secret,
 * so the message may quote them.
 */
function wholeNumber(o: { what: string; min: number; max: number; fallback: number }) {
  const range = `set a whole number from ${o.min} to ${o.max}, or leave it unset for ${o.fallback}`;
  return z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return o.fallback;
        if (!/^-?\d+$/.test(raw)) {
          ctx.addIssue({
            code: "custom",
            message: `is "${raw.slice(0, 20)}", which is not a whole number (${o.what}): ${range}`,
          });
          return z.NEVER;
        }
        const n = Number(raw);
        if (n > o.max)
          ctx.addIssue({ code: "custom", message: `is over the maximum of ${o.max} (got ${raw}): ${range}` });
        else if (n < o.min)
          ctx.addIssue({ code: "custom", message: `is under the minimum of ${o.min} (got ${raw}): ${range}` });
        return n;
      }),
  );
}

const schema = z
  .object({
    NEXT_PUBLIC_SUPABASE_URL: z.url({
      error: "must be your Supabase project URL, e.g. https://abcd.supabase.co (Project Settings → API)",
    }),
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: z
      .string({
        error: "is required: your project's publishable (or legacy anon) key, from Project Settings → API Keys",
      })
      .min(20, "looks too short: copy the publishable (or anon) key from Project Settings → API Keys"),
    DATABASE_URL: optional(
      z
        .string()
        .regex(
          /^postgres(ql)?:\/\//,
          "must be a postgres:// connection string (Supabase: Project Settings → Database → Connection string, transaction pooler)",
        ),
    ),
    POSTGRES_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")),
    STRIPE_SECRET_KEY: z
      .string({ error: "is required: a Stripe secret key (sk_test_… for test mode) from Developers → API keys" })
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/,
        "must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)",
      ),
    STRIPE_API_BASE: optional(
      z.url({ error: "must be a URL such as http://127.0.0.1:12111 (leave unset to talk to Stripe)" }),
    ),
    STRIPE_PORTAL_CONFIG_ID: optional(
      z
        .string()
        .regex(
          /^bpc_[A-Za-z0-9]+$/,
          "must be a portal configuration id (bpc_…), or unset to use your default configuration",
        ),
    ),
    STRIPE_TIMEOUT_MS: wholeNumber({ what: "milliseconds per Stripe request", min: 1000, max: 60000, fallback: 10000 }),
    STRIPE_MAX_NETWORK_RETRIES: wholeNumber({
      what: "retries of a failed Stripe request",
      min: 0,
      max: 5,
      fallback: 2,
    }),
    CLICK_DEADLINE_MS: wholeNumber({ what: "milliseconds to answer a click", min: 2000, max: 60000, fallback: 10000 }),
    DATABASE_TIMEOUT_MS: wholeNumber({
      what: "milliseconds per database statement or connection attempt",
      min: 100,
      max: 30000,
      fallback: 3000,
    }),
    STRIPE_WEBHOOK_SECRET: optional(
      z
        .string()
        .regex(
          /^whsec_[A-Za-z0-9+/=_-]+$/,
          "must be a webhook signing secret (whsec_…): Dashboard → Developers → Webhooks → your endpoint, or the one `stripe listen` prints",
        ),
    ),
    PORTAL_RATE_LIMIT_PER_MINUTE: wholeNumber({
      what: "portal sessions per user and company per minute",
      min: 1,
      max: 1000,
      fallback: 10,
    }),
    APP_URL: optional(origin),
    VERCEL_URL: optional(z.string()),
    VERCEL_BRANCH_URL: optional(z.string()),
    ALLOWED_RETURN_ORIGINS: optional(z.string()),
    DEBUG: z.preprocess(emptyAsUndefined, z.enum(["true", "false", "1", "0"]).optional()),
    // Reconcile (GET /api/cron/reconcile, npm run billing:reconcile).
    CRON_SECRET: optional(
      z
        .string()
        .min(16, "must be at least 16 random characters: Vercel Cron sends it as Authorization: Bearer <CRON_SECRET>")
        .regex(/^[\x21-\x7e]+$/, "must be printable ASCII with no spaces (it travels in an HTTP header)"),
    ),
    RECONCILE_STALE_AFTER_MINUTES: wholeNumber({
      what: "minutes after which a company's billing is read from Stripe again",
      min: 0,
      max: 43200,
      fallback: 1440,
    }),
    // Subscribe (Stripe Checkout)
    STRIPE_PLAN_PRICES: optional(
      z
        .string()
        .refine(
          (v) => list(v).every((item) => PLAN_PRICE.test(item)),
          "must be price ids (price_…) or lookup keys, comma-separated (letters, digits, _ . : -), or unset to offer every active recurring price",
        ),
    ),
    STRIPE_CHECKOUT_AUTOMATIC_TAX: flag(),
    STRIPE_CHECKOUT_TAX_ID_COLLECTION: flag(),
  })
  .superRefine((v, ctx) => {
    if (!v.DATABASE_URL && !v.POSTGRES_URL)
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message:
          "is required (or POSTGRES_URL, as Vercel's Supabase integration sets it): the Postgres connection string",
      });
    if (!v.APP_URL && !v.VERCEL_URL)
      ctx.addIssue({
        code: "custom",
        path: ["APP_URL"],
        message: "is required outside Vercel: this app's public origin, e.g. http://localhost:3000",
      });
    if (v.DATABASE_TIMEOUT_MS >= v.CLICK_DEADLINE_MS)
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_TIMEOUT_MS"],
        message: `is ${v.DATABASE_TIMEOUT_MS}, not under CLICK_DEADLINE_MS (${v.CLICK_DEADLINE_MS}): the database must answer well within a click's deadline, so lower it (default 3000)`,
      });
    if (v.STRIPE_API_BASE && /_live_/.test(v.STRIPE_SECRET_KEY))
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_API_BASE"],
        message:
          "points at a stand-in while STRIPE_SECRET_KEY is a live key: refusing to send a live key there. Unset STRIPE_API_BASE or use an sk_test_ key",
      });
    for (const o of (v.ALLOWED_RETURN_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!origin.safeParse(o).success)
        ctx.addIssue({
          code: "custom",
          path: ["ALLOWED_RETURN_ORIGINS"],
          message: `has "${o}", which is not an origin: list origins such as https://app.example.com, comma-separated`,
        });
    }
  });

export type ServerEnv = {
  supabaseUrl: string;
  supabasePublishableKey: string;
  databaseUrl: string;
  stripeSecretKey: string;
  stripeApiBase: URL | undefined;
  stripePortalConfigId: string | undefined;
  stripeTimeoutMs: number;
  stripeMaxNetworkRetries: number;
  clickDeadlineMs: number;
  databaseTimeoutMs: number;
  stripeWebhookSecret: string | undefined;
  portalRateLimitPerMinute: number;
  appUrl: string;
  allowedReturnOrigins: ReadonlySet<string>;
  debug: boolean;
  cronSecret: string | undefined;
  reconcileStaleAfterMinutes: number;
  /** STRIPE_PLAN_PRICES: the only price ids or lookup keys offered as plans; undefined offers all. */
  planPrices: readonly string[] | undefined;
  checkoutAutomaticTax: boolean;
  checkoutTaxIdCollection: boolean;
};

export class EnvError extends Error {}

type Source = Record<string, string | undefined>;

function envError(issues: z.core.$ZodIssue[]): EnvError {
  // Secret values are never echoed; only the whole numbers above quote what they were given.
  const lines = issues.map((i) => `  - ${String(i.path[0] ?? "env")} ${i.message}`);
  return new EnvError(
    `Invalid environment configuration:\n${lines.join("\n")}\nSee .env.local.example for every variable.`,
  );
}

export function parseEnv(source: Source): ServerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw envError(parsed.error.issues);
  const v = parsed.data;
  const vercelOrigins = [v.VERCEL_URL, v.VERCEL_BRANCH_URL].filter((h): h is string => !!h).map((h) => `https://${h}`);
  const appUrl = v.APP_URL?.replace(/\/$/, "") ?? vercelOrigins[0]!;
  const extra = (v.ALLOWED_RETURN_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim().replace(/\/$/, ""))
    .filter(Boolean);
  return {
    supabaseUrl: v.NEXT_PUBLIC_SUPABASE_URL.replace(/\/$/, ""),
    supabasePublishableKey: v.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY,
    databaseUrl: (v.DATABASE_URL ?? v.POSTGRES_URL)!,
    stripeSecretKey: v.STRIPE_SECRET_KEY,
    stripeApiBase: v.STRIPE_API_BASE ? new URL(v.STRIPE_API_BASE) : undefined,
    stripePortalConfigId: v.STRIPE_PORTAL_CONFIG_ID,
    stripeTimeoutMs: v.STRIPE_TIMEOUT_MS,
    stripeMaxNetworkRetries: v.STRIPE_MAX_NETWORK_RETRIES,
    clickDeadlineMs: v.CLICK_DEADLINE_MS,
    databaseTimeoutMs: v.DATABASE_TIMEOUT_MS,
    stripeWebhookSecret: v.STRIPE_WEBHOOK_SECRET,
    portalRateLimitPerMinute: v.PORTAL_RATE_LIMIT_PER_MINUTE,
    appUrl,
    allowedReturnOrigins: new Set([new URL(appUrl).origin, ...vercelOrigins, ...extra]),
    debug: v.DEBUG === "true" || v.DEBUG === "1",
    cronSecret: v.CRON_SECRET,
    reconcileStaleAfterMinutes: v.RECONCILE_STALE_AFTER_MINUTES,
    planPrices: list(v.STRIPE_PLAN_PRICES).length ? list(v.STRIPE_PLAN_PRICES) : undefined,
    checkoutAutomaticTax: v.STRIPE_CHECKOUT_AUTOMATIC_TAX === "true",
    checkoutTaxIdCollection: v.STRIPE_CHECKOUT_TAX_ID_COLLECTION === "true",
  };
}

/**
 * For `next build`: every variable that is set must be valid, but a build machine may lack the
 * runtime secrets, so a variable that is missing is not an error here (the server's start is).
 */
export function checkEnvForBuild(source: Source): void {
  const parsed = schema.safeParse(source);
  if (parsed.success) return;
  const isSet = (name: unknown) => typeof name === "string" && (source[name] ?? "").trim() !== "";
  const present = parsed.error.issues.filter((i) => isSet(i.path[0]));
  if (present.length) throw envError(present);
}
