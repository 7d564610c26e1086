import "server-only";
import { z } from "zod";

// Every variable the server reads, validated once. A bad value names the variable and the fix.
// Nothing else in the app reads process.env.

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
    STRIPE_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(60000).default(10000)),
    STRIPE_MAX_NETWORK_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(5).default(2)),
    STRIPE_WEBHOOK_SECRET: optional(
      z
        .string()
        .regex(
          /^whsec_[A-Za-z0-9+/=_-]+$/,
          "must be a webhook signing secret (whsec_…): Dashboard → Developers → Webhooks → your endpoint, or the one `stripe listen` prints",
        ),
    ),
    PORTAL_RATE_LIMIT_PER_MINUTE: z.preprocess(
      emptyAsUndefined,
      z.coerce
        .number({ error: "must be a whole number of portal sessions per user and company per minute" })
        .int()
        .min(1)
        .max(1000)
        .default(10),
    ),
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
    RECONCILE_STALE_AFTER_MINUTES: z.preprocess(
      emptyAsUndefined,
      z.coerce
        .number({
          error: "must be a whole number of minutes after which a company's billing is read from Stripe again",
        })
        .int()
        .min(0)
        .max(43200)
        .default(1440),
    ),
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

export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // Values are never echoed: some of them are secrets.
    const lines = parsed.error.issues.map((i) => `  - ${String(i.path[0] ?? "env")} ${i.message}`);
    throw new EnvError(
      `Invalid environment configuration:\n${lines.join("\n")}\nSee .env.local.example for every variable.`,
    );
  }
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

let cached: ServerEnv | undefined;

export function env(): ServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
