import { describe, expect, test } from "vitest";
import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { parseEnv } from "@/lib/env";
import { checkEnvForBuild } from "@/lib/env-schema";
import { baseEnv } from "./base-env.ts";

describe("parseEnv", () => {
  test("a complete environment", () => {
    const env = parseEnv({
      ...baseEnv,
      ALLOWED_RETURN_ORIGINS: "https://admin.example.com, https://docs.example.com/",
      VERCEL_URL: "my-app-abc.vercel.app",
    });
    expect(env.appUrl).toBe("https://app.example.com");
    expect([...env.allowedReturnOrigins].sort()).toEqual([
      "https://admin.example.com",
      "https://app.example.com",
      "https://docs.example.com",
      "https://my-app-abc.vercel.app",
    ]);
    expect(env.stripeTimeoutMs).toBe(10000);
    expect(env.stripeMaxNetworkRetries).toBe(2);
    expect(env.debug).toBe(false);
  });

  test("on Vercel without APP_URL the deployment URL is the app", () => {
    const rest: Partial<typeof baseEnv> = { ...baseEnv, APP_URL: undefined };
    expect(parseEnv({ ...rest, VERCEL_URL: "my-app-abc.vercel.app" }).appUrl).toBe("https://my-app-abc.vercel.app");
  });

  test("POSTGRES_URL (Vercel's Supabase integration) stands in for DATABASE_URL", () => {
    const rest: Partial<typeof baseEnv> = { ...baseEnv, DATABASE_URL: undefined };
    expect(parseEnv({ ...rest, POSTGRES_URL: "postgresql://u:p@h:6543/postgres" }).databaseUrl).toBe(
      "postgresql://u:p@h:6543/postgres",
    );
  });

  test.each([
    [{ STRIPE_SECRET_KEY: undefined }, /STRIPE_SECRET_KEY is required/],
    [{ STRIPE_SECRET_KEY: "pk_test_123" }, /STRIPE_SECRET_KEY must be a Stripe secret/],
    [{ DATABASE_URL: undefined }, /DATABASE_URL is required/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must be a postgres/],
    [{ NEXT_PUBLIC_SUPABASE_URL: "not a url" }, /NEXT_PUBLIC_SUPABASE_URL must be your Supabase project URL/],
    [{ APP_URL: "https://app.example.com/billing" }, /APP_URL must be an origin/],
    [{ APP_URL: undefined }, /APP_URL is required outside Vercel/],
    [{ ALLOWED_RETURN_ORIGINS: "https://ok.example.com,evil" }, /ALLOWED_RETURN_ORIGINS has "evil"/],
    [{ STRIPE_PORTAL_CONFIG_ID: "config_1" }, /STRIPE_PORTAL_CONFIG_ID must be a portal configuration id/],
    [{ STRIPE_TIMEOUT_MS: "5" }, /STRIPE_TIMEOUT_MS/],
    [
      { PORTAL_RATE_LIMIT_PER_MINUTE: "100000" },
      /PORTAL_RATE_LIMIT_PER_MINUTE is over the maximum of 1000 \(got 100000\)/,
    ],
    [{ PORTAL_RATE_LIMIT_PER_MINUTE: "0" }, /PORTAL_RATE_LIMIT_PER_MINUTE is under the minimum of 1 \(got 0\)/],
    [
      { STRIPE_TIMEOUT_MS: "500" },
      /STRIPE_TIMEOUT_MS is under the minimum of 1000 \(got 500\): set a whole number from 1000 to 60000, or leave it unset for 10000/,
    ],
    [{ STRIPE_MAX_NETWORK_RETRIES: "2.5" }, /STRIPE_MAX_NETWORK_RETRIES is "2.5", which is not a whole number/],
    [{ CLICK_DEADLINE_MS: "10s" }, /CLICK_DEADLINE_MS is "10s", which is not a whole number/],
    [{ CLICK_DEADLINE_MS: "1000" }, /CLICK_DEADLINE_MS is under the minimum of 2000/],
    [{ DATABASE_TIMEOUT_MS: "10000" }, /DATABASE_TIMEOUT_MS is 10000, not under CLICK_DEADLINE_MS \(10000\)/],
  ])("%j is refused, naming the variable", (overrides, message) => {
    expect(() => parseEnv({ ...baseEnv, ...overrides })).toThrow(message);
  });

  test("a stand-in Stripe URL with a live key is refused", () => {
    expect(() =>
      parseEnv({ ...baseEnv, STRIPE_SECRET_KEY: "sk_live_51Abc", STRIPE_API_BASE: "http://127.0.0.1:12111" }),
    ).toThrow(/STRIPE_API_BASE points at a stand-in while STRIPE_SECRET_KEY is a live key/);
    expect(parseEnv({ ...baseEnv, STRIPE_API_BASE: "http://127.0.0.1:12111" }).stripeApiBase?.port).toBe("12111");
  });

  test("error text never echoes a secret value", () => {
    try {
      parseEnv({ ...baseEnv, STRIPE_SECRET_KEY: "sk_tset_verysecret", DATABASE_URL: "mysql://root:hunter2@db" });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toMatch(/verysecret|hunter2/);
    }
  });

  test("the deadlines: defaults, and values within bounds", () => {
    expect(parseEnv(baseEnv)).toMatchObject({
      clickDeadlineMs: 10000,
      databaseTimeoutMs: 3000,
      portalRateLimitPerMinute: 10,
    });
    expect(parseEnv({ ...baseEnv, CLICK_DEADLINE_MS: " 5000 ", DATABASE_TIMEOUT_MS: "800" })).toMatchObject({
      clickDeadlineMs: 5000,
      databaseTimeoutMs: 800,
    });
  });

  test("every problem is listed at once", () => {
    expect(() => parseEnv({ ...baseEnv, STRIPE_TIMEOUT_MS: "500", PORTAL_RATE_LIMIT_PER_MINUTE: "100000" })).toThrow(
      /STRIPE_TIMEOUT_MS is under[^]*PORTAL_RATE_LIMIT_PER_MINUTE is over|PORTAL_RATE_LIMIT_PER_MINUTE is over[^]*STRIPE_TIMEOUT_MS is under/,
    );
  });

  test("empty strings count as unset", () => {
    expect(parseEnv({ ...baseEnv, STRIPE_PORTAL_CONFIG_ID: "", DEBUG: "" }).stripePortalConfigId).toBeUndefined();
    expect(parseEnv({ ...baseEnv, DEBUG: "true" }).debug).toBe(true);
  });
});

describe("next build", () => {
  const buildConfig = async (source: Record<string, string | undefined>) => {
    const saved = { ...process.env };
    try {
      for (const k of Object.keys(process.env)) delete process.env[k];
      Object.assign(process.env, source);
      // next.config.js is plain JavaScript (no types): import it by URL, typed here.
      const url = new URL("../../next.config.js", import.meta.url).href;
      const { default: nextConfig } = (await import(url)) as { default: (phase: string) => object };
      return nextConfig(PHASE_PRODUCTION_BUILD);
    } finally {
      for (const k of Object.keys(process.env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  };

  test("a bad value set where the build runs fails the build, naming it", async () => {
    await expect(buildConfig({ PORTAL_RATE_LIMIT_PER_MINUTE: "100000" })).rejects.toThrow(
      /PORTAL_RATE_LIMIT_PER_MINUTE is over the maximum of 1000/,
    );
    await expect(buildConfig({ ...baseEnv, STRIPE_TIMEOUT_MS: "500" })).rejects.toThrow(
      /STRIPE_TIMEOUT_MS is under the minimum of 1000/,
    );
  });

  test("a build machine without the runtime variables still builds", async () => {
    await expect(buildConfig({})).resolves.toMatchObject({ poweredByHeader: false });
    expect(() => checkEnvForBuild({ APP_URL: "https://app.example.com" })).not.toThrow();
  });
});
