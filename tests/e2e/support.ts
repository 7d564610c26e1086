import { expect, type APIRequestContext, type Page } from "@playwright/test";
import postgres from "postgres";
import { LOCAL_PUBLISHABLE_KEY, localStackEnv } from "../../dev/local-stack.ts";
import { authUrl, ports, stripeUrl } from "./stack";

export const PASSWORD = "password123";
export const companies = {
  acme: { id: "22222222-2222-4222-8222-000000000001", name: "Acme Inc", customer: "cus_AcmeDemo000001" },
  globex: { id: "22222222-2222-4222-8222-000000000002", name: "Globex Corp", customer: "cus_GlobexDemo0001" },
  initech: { id: "22222222-2222-4222-8222-000000000003", name: "Initech" },
  umbrella: { id: "22222222-2222-4222-8222-000000000004", name: "Umbrella Ltd", customer: "cus_UmbrellaGone001" },
} as const;

export async function signIn(page: Page, email: string, next = "/billing") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[?]/g, "\\?")}$`));
}

/** Clicks Manage Billing and waits for the stand-in's hosted portal page. */
export async function openPortal(page: Page) {
  await page.getByRole("button", { name: "Manage Billing" }).click();
  await expect(page).toHaveURL(new RegExp(`^${stripeUrl}/p/session/`));
}

export async function portalCustomer(page: Page) {
  return page.getByTestId("portal-customer-id").textContent();
}

type Counters = { calls: Record<string, number>; total: number };

async function control<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/__control/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${base}/__control/${path}: ${res.status} ${await res.text()}`);
  return (res.headers.get("content-type") ?? "").includes("json") ? ((await res.json()) as T) : (undefined as T);
}

export const stripe = {
  counters: () => control<Counters & { sessionsCreated: number }>(stripeUrl, "GET", "counters"),
  /** Zeroes the call counters only, for a test that counts the calls one action makes. */
  resetCounters: () => control<void>(stripeUrl, "DELETE", "counters"),
  /** The whole stand-in back to its state just after start (the reset fixture's job). */
  resetToStart: () => control<void>(stripeUrl, "POST", "reset"),
  fault: (fault: {
    count: number;
    mode: "status" | "drop" | "latency";
    status?: number;
    ms?: number;
    path?: string;
    headers?: Record<string, string>;
  }) => control<void>(stripeUrl, "POST", "faults", { path: "/v1/billing_portal/sessions", ...fault }),
  clearFaults: () => control<void>(stripeUrl, "DELETE", "faults"),
  config: (config: { defaultConfiguration?: boolean; sessionTtlSeconds?: number }) =>
    control<void>(stripeUrl, "POST", "config", config),
  sessions: () =>
    control<Array<{ id: string; customer: string; return_url: string; flow_type: string | null }>>(
      stripeUrl,
      "GET",
      "sessions",
    ),
  simulate: (customer: string, action: string, extra: Record<string, unknown> = {}) =>
    control<{ events: Array<{ id: string; type: string }> }>(stripeUrl, "POST", "simulate", {
      customer,
      action,
      ...extra,
    }),
  webhookFaults: (mode: "duplicate" | "reverse" | "fail_first" | "drop", count: number) =>
    control<void>(stripeUrl, "POST", "webhook-faults", { mode, count }),
  /** Resolves once every event so far has been delivered to the app's webhook. */
  flush: () => control<void>(stripeUrl, "POST", "flush"),
  deliveries: () =>
    control<
      Array<{
        event: string;
        type: string;
        attempts: Array<{ status: number | "error" | "dropped"; signature: string }>;
        delivered: boolean;
      }>
    >(stripeUrl, "GET", "deliveries"),
};

export const auth = {
  counters: () => control<Counters>(authUrl, "GET", "counters"),
  resetCounters: () => control<void>(authUrl, "POST", "reset"),
};

/** A Supabase access token for an API client, from the auth server's password grant. */
export async function accessToken(email: string): Promise<string> {
  const res = await fetch(`${authUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: LOCAL_PUBLISHABLE_KEY },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function postPortal(request: APIRequestContext, body: unknown, headers: Record<string, string> = {}) {
  const res = await request.post("/api/portal", { data: body, headers, failOnStatusCode: false, maxRedirects: 0 });
  return { status: res.status(), body: (await res.json()) as { url?: string; error?: string; code?: string } };
}

/** Our alerts (Next's route announcer is a role="alert" too). */
export function alertOf(page: Page) {
  return page.getByRole("alert").and(page.locator("[data-code], form [role=alert]"));
}

/** The e2e stack's database, as its owner: for arranging state and reading the audit log. */
export const stackDatabaseUrl = localStackEnv(ports).DATABASE_URL!;

export async function withDatabase<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(stackDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}
