// npm run bench [-- --clicks N]: what one Manage Billing click costs on the production build,
// measured (not asserted) against its floor, the Stripe call alone, in the same run.
// Everything runs on 127.0.0.1 and stops by itself; the figures end in one BENCH_JSON line.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import postgres from "postgres";
import Stripe from "stripe";
import { LOCAL_PUBLISHABLE_KEY, LOCAL_STRIPE_KEY } from "./local-stack.ts";
import { migrate } from "./migrate.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { startRoundTripProxy } from "./roundtrip-proxy.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: { clicks: { type: "string", default: "200" }, warmup: { type: "string", default: "20" } },
});
const N = Number(args.clicks);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(WARMUP) || WARMUP < 0)
  throw new Error("--clicks and --warmup take whole numbers");
const buildIdFile = path.join(root, ".next", "BUILD_ID");
if (!existsSync(buildIdFile)) throw new Error("No production build: run `npm run build` first.");
// The bench measures the build, but migrates from the working tree: say when they may differ.
const builtAt = statSync(buildIdFile).mtimeMs;
const newerSources = ["app", "lib", "supabase"]
  .flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)),
  )
  .concat("proxy.ts")
  .filter((f) => /\.(tsx?|sql|css)$/.test(f) && statSync(path.join(root, f)).mtimeMs > builtAt);

const ACME = "22222222-2222-4222-8222-000000000001"; // supabase/seed.sql: owner@acme.test's company
const CUSTOMER = "cus_AcmeDemo000001";
const STRIPE_API_VERSION = "2026-10-28.endive"; // as lib/stripe.ts pins it (that file is server-only)

/** The preferred port if nothing holds it (the demo and the e2e suite use others), else any free one. */
async function portOr(preferred: number): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number | null>((resolve) => {
      const s = net.createServer().once("error", () => resolve(null));
      s.listen(p, "127.0.0.1", () => {
        const got = (s.address() as net.AddressInfo).port; // known only while listening
        s.close(() => resolve(got));
      });
    });
  return (await attempt(preferred)) ?? (await attempt(0))!;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!; // nearest rank
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    p50: r(at(0.5)),
    p95: r(at(0.95)),
    mean: r(s.reduce((a, b) => a + b, 0) / s.length),
    min: r(s[0]!),
    max: r(s.at(-1)!),
  };
}

/** n calls of op, `concurrency` at a time; returns each call's wall time and the run's. */
async function run(n: number, concurrency: number, op: () => Promise<void>) {
  const times: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < n) {
      started++;
      const t = performance.now();
      await op();
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { times, wallMs: performance.now() - t0 };
}

// ---- the stack: real PostgreSQL behind the round-trip proxy, then dev/start.ts on top of it ----
// Next, the stand-ins, PostgreSQL and this client share the CPUs; load from others skews the figures.
const machine = { cpus: os.cpus().length, loadBefore: Math.round(os.loadavg()[0]! * 100) / 100 };
const ports = {
  app: await portOr(3200),
  auth: await portOr(54341),
  stripe: await portOr(12131),
  postgres: await portOr(54342),
};
const pg = await startEmbeddedPostgres({ port: ports.postgres });
// Migrations come from the working tree, which others may be editing: don't leave the cluster behind.
await migrate(pg.url, { seed: true }).catch(async (err: unknown) => {
  await pg.stop();
  throw err;
});
// The audit write (after the response: it completes the row the click's own round trip began) is
// told apart from that round trip by its statement, the only one that names the audit table.
const proxy = await startRoundTripProxy(
  { host: "127.0.0.1", port: ports.postgres },
  { label: (chunk) => (chunk.includes("public.portal_audit") ? "audit" : undefined) },
);
const proxyUrl = pg.url.replace(`:${ports.postgres}/`, `:${proxy.port}/`);
const appUrl = `http://127.0.0.1:${ports.app}`;
const authUrl = `http://127.0.0.1:${ports.auth}`;
const stripeUrl = `http://127.0.0.1:${ports.stripe}`;

// Anything pointing start.ts at real services would make it skip a stand-in the bench reads.
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: String(ports.app),
  DEV_AUTH_PORT: String(ports.auth),
  DEV_STRIPE_PORT: String(ports.stripe),
  DATABASE_URL: proxyUrl,
  // One user clicks hundreds of times a minute here: a per-user portal rate limit, in a build
  // that has one, would end the run rather than measure it.
  PORTAL_RATE_LIMIT_PER_MINUTE: "1000",
};
for (const k of [
  "POSTGRES_URL",
  "NEXT_PUBLIC_SUPABASE_URL",
  "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY",
  "STRIPE_SECRET_KEY",
  "STRIPE_API_BASE",
  "STRIPE_PORTAL_CONFIG_ID",
  "APP_URL",
  "DEBUG",
])
  delete childEnv[k];
const stack = spawn(process.execPath, ["dev/start.ts", "--next=start", "--quiet"], {
  cwd: root,
  env: childEnv,
  stdio: ["ignore", "pipe", "pipe"],
});
// The app logs a JSON line per click: read the pipes (so Next never blocks on them), show
// only the launcher's own lines, and keep the app's warnings/errors to report.
const appProblems: string[] = [];
const appStripeMs: number[] = []; // the Stripe call as createPortalSession times it (its log's ms)
const tail: string[] = [];
for (const stream of [stack.stdout, stack.stderr]) {
  createInterface({ input: stream }).on("line", (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (line.startsWith("[dev]")) console.log(line);
    else if (/"level":"(warn|error)"/.test(line)) appProblems.push(line);
    else if (line.includes('"msg":"portal.session_created"') && /"ms":\d+/.test(line))
      appStripeMs.push(Number(/"ms":(\d+)/.exec(line)![1]));
  });
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // start.ts stops Next and its stand-ins on SIGTERM; the database goes last.
    if (stack.exitCode === null && stack.signalCode === null) {
      const exited = new Promise((r) => stack.once("exit", r));
      stack.kill("SIGTERM");
      if ((await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) === false)
        stack.kill("SIGKILL");
    }
    await proxy.close();
    await pg.stop();
  })();
  return stopping;
}
process.on("SIGINT", () => void stopAll().finally(() => process.exit(130)));

try {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (stack.exitCode !== null) throw new Error(`dev/start.ts exited (${stack.exitCode}):\n${tail.join("\n")}`);
    if (Date.now() > deadline) throw new Error(`Next did not answer at ${appUrl}/login`);
    const status = await fetch(`${appUrl}/login`, { redirect: "manual" }).then(
      (r) => r.status,
      () => 0,
    );
    if (status > 0 && status < 500) break;
    await sleep(250);
  }

  // Sign in before any measured window: the auth stand-in reads auth.users through the proxy.
  const signIn = await fetch(`${authUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: LOCAL_PUBLISHABLE_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email: "owner@acme.test", password: "password123" }),
  });
  const { access_token: token } = (await signIn.json()) as { access_token?: string };
  if (!token) throw new Error(`sign-in failed (${signIn.status}): are the auth stand-in and seed up?`);
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
    sub: string;
    user_metadata?: { locale?: string };
  };

  const click = async () => {
    // What the billing page's form sends: its company.
    const res = await fetch(`${appUrl}/api/portal`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ companyId: ACME }),
    });
    const body = (await res.json()) as { url?: string; code?: string };
    if (!res.ok || !body.url) throw new Error(`click failed: ${res.status} ${JSON.stringify(body)}`);
  };

  // Floor 1: the Stripe call alone, made the way lib/stripe.ts configures the SDK.
  const stripe = new Stripe(LOCAL_STRIPE_KEY, {
    apiVersion: STRIPE_API_VERSION,
    host: "127.0.0.1",
    port: ports.stripe,
    protocol: "http",
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: "manage-billing" },
  });
  const returnUrl = `http://localhost:${ports.app}/billing?company=${ACME}`; // the app's fallback for this form
  const locale = claims.user_metadata?.locale as Stripe.BillingPortal.SessionCreateParams.Locale | undefined;
  const stripeCall = async () => {
    await stripe.billingPortal.sessions.create(
      { customer: CUSTOMER, return_url: returnUrl, ...(locale && { locale }) },
      { idempotencyKey: `bench:${randomUUID()}` },
    );
  };

  // Floor 2: the database access alone, as lib/db.ts asUser sends it: one simple-protocol
  // message (role, claims and settings, then private.begin_portal_session) through the proxy.
  const sql = postgres(proxyUrl, { prepare: false, max: 1, onnotice: () => {} });
  const claimsJson = JSON.stringify(claims);
  if (claimsJson.includes("$bench$")) throw new Error("claims contain the quote tag");
  const dbQuery = `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $bench$${claimsJson}$bench$, true), set_config('app.company_id', '${ACME}', true);
    select company_id as "companyId", role, stripe_customer_id as "stripeCustomerId", rate_limited from private.begin_portal_session(nullif(current_setting('app.company_id'), '')::uuid, 1000, true)`;
  const dbCall = async () => {
    const results = (await sql.unsafe(dbQuery).simple()) as unknown as { stripeCustomerId: string }[][];
    if (results[1]?.[0]?.stripeCustomerId !== CUSTOMER)
      throw new Error("asUser-equivalent query did not find Acme's customer");
  };

  // Floor 3 (context, not a baseline): Next's own cost per request, the same route answering
  // GET with a 405: no token check, no database, no Stripe.
  const nextOnly = async () => {
    const res = await fetch(`${appUrl}/api/portal`);
    await res.arrayBuffer();
    if (res.status !== 405) throw new Error(`GET /api/portal answered ${res.status}`);
  };

  // Warm up every path (JWKS fetch, route compilation caches, connection pools, with 4 at once
  // too so the app's pool already holds the connections the concurrent run needs).
  for (const [op, concurrency] of [
    [click, 1],
    [click, 4],
    [stripeCall, 1],
    [dbCall, 1],
    [nextOnly, 1],
  ] as const)
    await run(WARMUP, concurrency, op);

  const counters = (base: string) =>
    fetch(`${base}/__control/counters`).then((r) => r.json() as Promise<{ total: number; sessionsCreated?: number }>);
  // Counters only: the Stripe stand-in's POST /__control/reset would put all of it back to its start.
  const zeroCounters = () =>
    Promise.all([
      fetch(`${authUrl}/__control/reset`, { method: "POST" }),
      fetch(`${stripeUrl}/__control/counters`, { method: "DELETE" }),
    ]);
  const kinds = {
    click: [click, 1],
    click4: [click, 4],
    stripeFloor: [stripeCall, 1],
    dbFloor: [dbCall, 1],
    nextFloor: [nextOnly, 1],
  } as const;
  type Kind = keyof typeof kinds;
  const tally = Object.fromEntries(
    Object.keys(kinds).map((k) => [
      k,
      {
        times: [] as number[],
        wallMs: 0,
        auth: 0,
        db: 0,
        dbAudit: 0,
        stripe: 0,
        sessions: 0,
        inAppStripe: [] as number[],
      },
    ]),
  );
  // Each kind runs in ROUNDS interleaved windows, so load that drifts (other processes on the
  // machine) hits the click and its floors alike. Counters are read per window, so they stay clean.
  const ROUNDS = 4;
  for (let round = 0; round < ROUNDS; round++) {
    const n = Math.floor(N / ROUNDS) + (round < N % ROUNDS ? 1 : 0);
    for (const [kind, [op, concurrency]] of Object.entries(kinds)) {
      if (n === 0) continue;
      const t = tally[kind]!;
      await zeroCounters();
      await sql`delete from private.portal_session_grants`; // every window starts under the rate limit
      proxy.reset();
      appStripeMs.length = 0;
      const { times, wallMs } = await run(n, concurrency, op);
      await sleep(300); // work the app defers past its response (next/server after()) still belongs to the window
      const [auth, stripeCounts] = await Promise.all([counters(authUrl), counters(stripeUrl)]);
      Object.assign(t, {
        wallMs: t.wallMs + wallMs,
        auth: t.auth + auth.total,
        db: t.db + proxy.flights(),
        dbAudit: t.dbAudit + proxy.flightsLabelled("audit"),
        stripe: t.stripe + stripeCounts.total,
        sessions: t.sessions + (stripeCounts.sessionsCreated ?? 0),
      });
      t.times.push(...times);
      t.inAppStripe.push(...appStripeMs);
    }
  }
  const per = (x: number) => Math.round((x / N) * 100) / 100;
  const summary = (t: (typeof tally)[string]) => ({
    ...stats(t.times),
    perSecond: Math.round((N / t.wallMs) * 1000),
    inAppStripeMeanMs: t.inAppStripe.length ? stats(t.inAppStripe).mean : null,
    perOp: {
      authCalls: per(t.auth),
      dbRoundTrips: per(t.db),
      dbRoundTripsClickPath: per(t.db - t.dbAudit),
      dbRoundTripsAudit: per(t.dbAudit),
      stripeCalls: per(t.stripe),
      sessionsCreated: per(t.sessions),
    },
  });
  const results = Object.fromEntries(Object.entries(tally).map(([k, t]) => [k, summary(t!)])) as Record<
    Kind,
    ReturnType<typeof summary>
  >;
  await sql.end();

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const { click: k, stripeFloor: sf, dbFloor: df } = results;
  const ratios = {
    clickOverStripe: { p50: ratio(k.p50, sf.p50), mean: ratio(k.mean, sf.mean) },
    clickOverStripePlusDb: { p50: ratio(k.p50, sf.p50 + df.p50), mean: ratio(k.mean, sf.mean + df.mean) },
  };

  const date = new Date().toISOString();
  const buildId = readFileSync(buildIdFile, "utf8").trim();
  type Row = ReturnType<typeof summary>;
  const columns: [string, number, (r: Row) => string][] = [
    ["p50 ms", 8, (r) => r.p50.toFixed(2)],
    ["p95 ms", 8, (r) => r.p95.toFixed(2)],
    ["mean ms", 9, (r) => r.mean.toFixed(2)],
    ["ops/s", 7, (r) => String(r.perSecond)],
    ["auth/op", 9, (r) => r.perOp.authCalls.toFixed(2)],
    ["db rt/op", 10, (r) => r.perOp.dbRoundTrips.toFixed(2)],
    ["stripe/op", 11, (r) => r.perOp.stripeCalls.toFixed(2)],
  ];
  const rows: [string, Row][] = [
    ["click: POST /api/portal, sequential", k],
    ["click: POST /api/portal, 4 at a time", results.click4],
    ["floor: Stripe call alone (SDK)", sf],
    ["floor: DB access alone (asUser message)", df],
    ["context: Next alone (GET /api/portal 405)", results.nextFloor],
  ];
  console.log(
    `\nManage Billing click bench: ${N} clicks after ${WARMUP} warm-up, node ${process.version}, ${machine.cpus} CPUs (load before start ${machine.loadBefore}), ${date}, build ${buildId}`,
  );
  console.log("".padEnd(43) + columns.map(([h, w]) => h.padStart(w)).join(""));
  for (const [label, r] of rows) console.log(label.padEnd(43) + columns.map(([, w, f]) => f(r).padStart(w)).join(""));
  console.log(
    `\nper click: auth calls/click ${k.perOp.authCalls.toFixed(2)}, db round trips/click ${k.perOp.dbRoundTrips.toFixed(2)} (${k.perOp.dbRoundTripsClickPath.toFixed(2)} on the click's path + ${k.perOp.dbRoundTripsAudit.toFixed(2)} audit write after the response), stripe calls/click ${k.perOp.stripeCalls.toFixed(2)}`,
  );
  console.log(
    `click / Stripe floor: p50 ${ratios.clickOverStripe.p50}x, mean ${ratios.clickOverStripe.mean}x; click / (Stripe + DB floors): p50 ${ratios.clickOverStripePlusDb.p50}x, mean ${ratios.clickOverStripePlusDb.mean}x`,
  );
  console.log(
    `the Stripe call as timed inside the app (whole ms): mean ${k.inAppStripeMeanMs} sequential, ${results.click4.inAppStripeMeanMs} 4 at a time`,
  );
  console.log(
    "POST /api/portal runs the same createPortalSession (lib/billing/portal.ts) as the billing page's server action.",
  );
  if (newerSources.length)
    console.log(
      `note: ${newerSources.length} source file(s) changed since the build (e.g. ${newerSources[0]}); figures are for the build, migrations for the working tree`,
    );
  if (appProblems.length)
    console.log(`app warnings/errors during the run: ${appProblems.length}, first: ${appProblems[0]}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ date, node: process.version, buildId, clicks: N, warmup: WARMUP, machine, ports, sourcesNewerThanBuild: newerSources.length, ...results, ratios, appWarnings: appProblems.length })}`,
  );
} finally {
  await stopAll();
}
