// What an integration test runs against: a real PostgreSQL on a free port (migrated, seeded),
// optionally a proxy between the app and it, the Stripe and Auth stand-ins, and the app's
// environment pointing at all of them. Start it in beforeAll, before importing lib/ (lib/env.ts
// reads the environment once per process), and cleanup() in afterAll.
import postgres from "postgres";
import { startAuthStandIn, type AuthStandIn } from "../../dev/auth/server.ts";
import { startFaultProxy, type FaultProxy } from "../../dev/fault-proxy.ts";
import { migrate } from "../../dev/migrate.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "../../dev/postgres.ts";
import { startRoundTripProxy, type RoundTripProxy } from "../../dev/roundtrip-proxy.ts";
import type { StripeStandInOptions } from "../../dev/stripe/server.ts";
import { startTestStripe, type TestStripe } from "../stand-ins/stripe-stand-in.ts";
import { freePort } from "../../dev/free-port.ts";
import { setTestEnv, TEST_PUBLISHABLE_KEY, TEST_STRIPE_KEY } from "./test-env.ts";

export type TestStackOptions = {
  /** supabase/seed.sql's companies and users; on unless false. */
  seed?: boolean;
  /** Between the app and PostgreSQL: one that counts round trips, or one that fails on demand. */
  proxy?: "roundtrip" | "fault";
  /** The Stripe stand-in, on TEST_STRIPE_KEY; the app's STRIPE_API_BASE points at it. */
  stripe?: true | Pick<StripeStandInOptions, "seed" | "webhook">;
  /** The Auth stand-in on this database; the app's Supabase URL and key point at it. */
  auth?: true;
  /** The app's variables beyond the stack's own (and over them). */
  env?: Record<string, string>;
};

/** The parts a stack has: `TestStack<{ stripe: true }>` has the Stripe stand-in; a bare TestStack, PostgreSQL alone. */
type Parts = { proxy?: "roundtrip" | "fault"; stripe?: true; auth?: true };
type PartsOf<O extends TestStackOptions> = {
  proxy: O extends { proxy: infer K } ? K : undefined;
  stripe: O extends { stripe: object | true } ? true : undefined;
  auth: O extends { auth: true } ? true : undefined;
};

export type TestStack<P extends Parts = Parts> = {
  pg: RunningPostgres;
  /** The test's own client, straight to PostgreSQL (never through the proxy). */
  sql: postgres.Sql;
  /** Every variable the stack set for the app. */
  env: Record<string, string>;
  proxy: P["proxy"] extends "fault" ? FaultProxy : P["proxy"] extends "roundtrip" ? RoundTripProxy : undefined;
  stripe: P["stripe"] extends true ? TestStripe : undefined;
  auth: P["auth"] extends true ? AuthStandIn : undefined;
  /** Stops everything the stack started, and the app's database pool, last started first. */
  cleanup(): Promise<void>;
};

export async function startTestStack<O extends TestStackOptions>(opts: O): Promise<TestStack<PartsOf<O>>> {
  const stops: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const pg = await startEmbeddedPostgres({ port: await freePort() });
    stops.push(() => pg.stop());
    await migrate(pg.url, { seed: opts.seed !== false });
    const target = { host: "127.0.0.1", port: Number(new URL(pg.url).port) };
    const proxy =
      opts.proxy === "fault"
        ? await startFaultProxy(target)
        : opts.proxy === "roundtrip"
          ? await startRoundTripProxy(target)
          : undefined;
    if (proxy) stops.push(() => proxy.close());
    const stripe = opts.stripe
      ? await startTestStripe({ apiKey: TEST_STRIPE_KEY, ...(opts.stripe === true ? {} : opts.stripe) })
      : undefined;
    if (stripe) stops.push(() => stripe.close());
    const auth = opts.auth
      ? await startAuthStandIn({ port: 0, databaseUrl: pg.url, anonKey: TEST_PUBLISHABLE_KEY })
      : undefined;
    if (auth) stops.push(() => auth.close());

    const env = setTestEnv({
      DATABASE_URL: proxy ? pg.url.replace(`:${target.port}/`, `:${proxy.port}/`) : pg.url,
      ...(stripe && { STRIPE_API_BASE: stripe.url }),
      ...(auth && { NEXT_PUBLIC_SUPABASE_URL: auth.url }),
      ...opts.env,
    });
    // The app's pool is this instance's: the app's modules imported from now on share it, and it
    // stays the one to end even if a test resets its modules later (doctor.test.ts does). A fault
    // proxy may hold connections that never answer: don't wait for them.
    const appDb = await import("@/lib/db");
    stops.push(() => appDb.db().end(opts.proxy === "fault" ? { timeout: 0 } : {}));
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    stops.push(() => sql.end());
    return { pg, sql, env, proxy, stripe, auth, cleanup } as TestStack<PartsOf<O>>;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
