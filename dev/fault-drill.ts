// npm run drill: what a user gets, and how fast, when a dependency fails. The production build
// runs with its default deadlines, reaching PostgreSQL, Stripe and the auth server through
// dev/fault-proxy.ts; each fault is switched on in turn and a click (POST /api/portal) and a page
// view (GET /billing) are timed. Measured, not asserted: the tests assert the behaviour.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createServerClient } from "@supabase/ssr";
import postgres from "postgres";
import { freePort } from "./free-port.ts";
import { startFaultProxy, type FaultMode, type FaultProxy } from "./fault-proxy.ts";
import { LOCAL_PUBLISHABLE_KEY, localStackEnv } from "./local-stack.ts";
import { migrate } from "./migrate.ts";
import { startEmbeddedPostgres } from "./postgres.ts";

const root = path.resolve(import.meta.dirname, "..");
if (!existsSync(path.join(root, ".next", "BUILD_ID")))
  throw new Error("No production build: run `npm run build` first.");
const ports = { app: await freePort(), postgres: await freePort(), auth: await freePort(), stripe: await freePort() };
const children: ChildProcess[] = [];
const proxies: FaultProxy[] = [];
const pg = await startEmbeddedPostgres({ port: ports.postgres });
const rows: { fault: string; what: string; ms: number; answer: string }[] = [];

try {
  await migrate(pg.url, { seed: true });
  const local = localStackEnv(ports);
  // The stand-ins (and the billing backfill) from the launcher, reaching the database directly.
  const services = spawn(process.execPath, ["dev/start.ts", "--next=none", "--quiet"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      PORT: String(ports.app),
      DEV_AUTH_PORT: String(ports.auth),
      DEV_STRIPE_PORT: String(ports.stripe),
    },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  children.push(services);
  await new Promise<void>((resolve) =>
    services.stdout!.on("data", (d: Buffer) => d.includes("Services are up") && resolve()),
  );

  const [db, stripe, auth] = await Promise.all(
    [ports.postgres, ports.stripe, ports.auth].map((port) => startFaultProxy({ host: "127.0.0.1", port })),
  );
  proxies.push(db!, stripe!, auth!);
  const appEnv = {
    ...local,
    DATABASE_URL: pg.url.replace(`:${ports.postgres}/`, `:${db!.port}/`),
    STRIPE_API_BASE: `http://127.0.0.1:${stripe!.port}`,
    NEXT_PUBLIC_SUPABASE_URL: `http://127.0.0.1:${auth!.port}`,
    // One user clicks more than ten times a minute here.
    PORTAL_RATE_LIMIT_PER_MINUTE: "1000",
  };
  const appUrl = local.APP_URL!;
  children.push(await startNext(appEnv, appUrl));

  // A signed-in user, as the browser holds it: @supabase/ssr's own cookies.
  const jar = new Map<string, string>();
  const supabase = createServerClient(appEnv.NEXT_PUBLIC_SUPABASE_URL, LOCAL_PUBLISHABLE_KEY, {
    cookies: {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (cs) => cs.forEach((c) => jar.set(c.name, c.value)),
    },
  });
  const { data } = await supabase.auth.signInWithPassword({ email: "owner@acme.test", password: "password123" });
  const token = data.session!.access_token;
  const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join("; ");
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });

  const click = async () => {
    const t = performance.now();
    const res = await fetch(`${appUrl}/api/portal`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { code?: string; error?: string };
    const retry = res.headers.get("retry-after");
    return {
      ms: performance.now() - t,
      answer: `${res.status} ${body.code ?? "url"}${retry ? `, Retry-After ${retry}` : ""}${body.error ? `: "${body.error}"` : ""}`,
    };
  };
  const page = async () => {
    const t = performance.now();
    const res = await fetch(`${appUrl}/billing`, { headers: { cookie }, redirect: "manual" });
    const html = await res.text();
    const alert = /data-code="([a-z_]+)"[^>]*>([^<]+)</.exec(html);
    if (alert) alert[2] = alert[2]!.replaceAll("&#x27;", "'");
    const shown = alert
      ? `alert ${alert[1]}: "${alert[2]}"`
      : /Acme Inc/.test(html)
        ? "Acme Inc's billing"
        : "no company, no alert";
    return {
      ms: performance.now() - t,
      answer: `${res.status}, ${shown}${html.includes("Sign out") ? ", header with Sign out" : ""}`,
    };
  };
  const record = (fault: string, what: string, r: { ms: number; answer: string }) => {
    rows.push({ fault, what, ms: Math.round(r.ms), answer: r.answer });
    console.log(`${fault.padEnd(26)} ${what.padEnd(14)} ${String(Math.round(r.ms)).padStart(6)} ms  ${r.answer}`);
  };
  const under = async (proxy: FaultProxy, mode: FaultMode, fault: string) => {
    await proxy.set(mode);
    record(fault, "click (API)", await click());
    record(fault, "page /billing", await page());
    await proxy.set("pass");
    await click(); // back by itself, and the pools warm again
  };

  record("none (warm)", "click (API)", await click());
  record("none (warm)", "page /billing", await page());
  await under(stripe!, "hang", "Stripe hangs");
  await under(stripe!, "refuse", "Stripe refuses");
  await under(db!, "refuse", "PostgreSQL down");
  await under(db!, "hang", "PostgreSQL hangs");
  await under(auth!, "refuse", "auth down (warm JWKS)");
  await under(auth!, "hang", "auth hangs (warm JWKS)");

  // The audit through a blip right after a successful click: how long an outage it survives.
  for (const outageMs of [5_000, 20_000, 40_000]) {
    const since = new Date();
    // Stripe holds the request while the database goes away, so the outage begins between the
    // click's own round trip and the audit write that follows the response.
    await stripe!.set("hang");
    const clicked = click();
    while (stripe!.stats().held === 0) await sleep(5);
    await db!.set("refuse");
    await stripe!.set("pass");
    const answer = await clicked;
    await sleep(outageMs);
    await db!.set("pass");
    const t = performance.now();
    let outcome = "";
    while (performance.now() - t < 5000 && outcome !== "ok") {
      await sleep(100);
      const [row] = await sql<
        { outcome: string }[]
      >`select outcome from public.portal_audit where created_at >= ${since} and attempt_id is not null`;
      outcome = row?.outcome ?? "no row";
    }
    record(`PostgreSQL away ${outageMs / 1000} s after`, "audit row", {
      ms: answer.ms,
      answer: `click ${answer.answer.slice(0, 7)}; row: ${outcome}`,
    });
  }
  await sql.end();

  const bad = await exitOf({ ...appEnv, PORTAL_RATE_LIMIT_PER_MINUTE: "100000", PORT: String(await freePort()) });
  record("PORTAL_RATE_LIMIT_PER_MINUTE=100000", "next start", bad);
  console.log(`DRILL_JSON ${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows })}`);
} finally {
  for (const p of proxies) await p.close();
  for (const c of children) if (c.exitCode === null) process.kill(-c.pid!, "SIGTERM");
  await sleep(1000);
  await pg.stop();
}

async function startNext(env: Record<string, string>, url: string): Promise<ChildProcess> {
  const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", env.PORT!], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  for (let i = 0; i < 300; i++) {
    if (
      (await fetch(`${url}/login`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return next;
    await sleep(200);
  }
  throw new Error("next start did not answer");
}

async function exitOf(env: Record<string, string>) {
  const t = performance.now();
  const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", env.PORT!], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  next.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => next.on("exit", r));
  const line = out.split("\n").find((l) => l.includes("PORTAL_RATE_LIMIT_PER_MINUTE")) ?? out.trim();
  return { ms: performance.now() - t, answer: `exit ${code}: "${line.trim()}"` };
}
