// Hostile requests against the running app (issue 7): each class gets a clear 4xx with a code
// from the one list, never a 500; no portal session is created; the pages keep working.
import { randomBytes } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { LOCAL_WEBHOOK_SECRET } from "../../dev/local-stack.ts";
import { expect, test } from "./fixtures";
import { appUrl, badConfigUrl, realStripeTestMode } from "./stack";
import { accessToken, auth, companies, postPortal, signIn, stripe, withDatabase } from "./support";

// Tests here sign in through the page (no saved session): several sign out or send hostile
// sign-ins, which must not touch the sessions other tests share.
test.skip(realStripeTestMode, "the local suite needs the Stripe stand-in; unset STRIPE_SECRET_KEY to run it");

const b64 = (v: string | Uint8Array) => Buffer.from(v).toString("base64url");
/** Both billing POST routes share one request helper (lib/http/billing-post.ts): each is tried. */
const BILLING_POSTS = ["/api/portal", "/api/checkout"] as const;
const checkoutSessions = async () => (await stripe.counters()).calls["POST /v1/checkout/sessions"] ?? 0;
const sessionsCreated = async () => (await stripe.counters()).sessionsCreated;

/** Tokens of every malformed shape, built on a real token so the real kid and claims are there. */
function malformedTokens(real: string): Record<string, string> {
  const [h, p, s] = real.split(".") as [string, string, string];
  const { kid } = JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string };
  const tokens: Record<string, string> = {};
  for (const alg of ["none", "None", "NONE", "nOnE"]) {
    tokens[`alg ${alg}, no signature`] = `${b64(JSON.stringify({ alg, kid, typ: "JWT" }))}.${p}.`;
    tokens[`alg ${alg}, real signature`] = `${b64(JSON.stringify({ alg, kid }))}.${p}.${s}`;
  }
  for (const alg of ["RS256", "ES384", "HS256", "PS256", "EdDSA", "es256"])
    tokens[`alg ${alg} with the real kid`] = `${b64(JSON.stringify({ alg, kid }))}.${p}.${s}`;
  for (const [name, header] of [
    ["header null", "null"],
    ["header an array", "[]"],
    ["header a string", '"ES256"'],
    ["header not JSON", "{alg:ES256"],
    ["header empty", ""],
  ])
    tokens[name!] = `${b64(header!)}.${p}.${s}`;
  tokens["header not UTF-8"] = `${b64(new Uint8Array([0xff, 0xfe, 0x7b, 0xc3, 0x28]))}.${p}.${s}`;
  tokens["payload not UTF-8"] = `${h}.${b64(new Uint8Array([0xff, 0xc0, 0x80]))}.${s}`;
  tokens["payload null"] = `${h}.${b64("null")}.${s}`;
  tokens["signature of another payload"] =
    `${h}.${b64(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), role: "service_role" }))}.${s}`;
  tokens["signature cut"] = `${h}.${p}.${s.slice(0, 20)}`;
  tokens["kid unknown"] =
    `${b64(JSON.stringify({ alg: "ES256", kid: "00000000-0000-4000-8000-000000000000" }))}.${p}.${s}`;
  tokens["4 KB of random bytes"] = b64(randomBytes(3000));
  tokens["8 KB random, dotted"] = `${b64(randomBytes(2000))}.${b64(randomBytes(2000))}.${b64(randomBytes(2000))}`;
  tokens["two segments"] = `${h}.${p}`;
  tokens["four segments"] = `${h}.${p}.${s}.${s}`;
  tokens["dots only"] = "...";
  return tokens;
}

test("malformed Bearer tokens get 401 unauthenticated, never 500, and no portal session", async ({ request }) => {
  const real = await accessToken("owner@acme.test");
  const before = await sessionsCreated();
  await auth.resetCounters();
  for (const [name, token] of Object.entries(malformedTokens(real))) {
    const res = await postPortal(request, {}, { authorization: `Bearer ${token}` });
    expect
      .soft(res, name)
      .toEqual({ status: 401, body: { code: "unauthenticated", error: "Please sign in to manage billing." } });
    const subscribe = await request.post("/api/checkout", {
      headers: { authorization: `Bearer ${token}` },
      data: { price: "price_pro_monthly" },
      failOnStatusCode: false,
    });
    expect.soft(subscribe.status(), `checkout: ${name}`).toBe(401);
    expect.soft((await subscribe.json()).code, `checkout: ${name}`).toBe("unauthenticated");
  }
  for (const header of [
    "Bearer",
    "Bearer ",
    "bearer  x y",
    "Basic b3duZXI6cHc=",
    "Bearer \u00ff\u00fe.a.b",
    "x".repeat(6000),
  ]) {
    for (const path of BILLING_POSTS) {
      const res = await request.post(path, { headers: { authorization: header }, data: {}, failOnStatusCode: false });
      expect.soft(res.status(), `${path} ${header.slice(0, 20)}`).toBe(401);
    }
  }
  expect(await sessionsCreated()).toBe(before);
  expect(await checkoutSessions()).toBe(0);
  // Forged key ids refetch the JWKS at most once per 30 s: the whole batch costs at most one call.
  expect((await auth.counters()).calls["GET /auth/v1/.well-known/jwks.json"]).toBeLessThanOrEqual(1);
  // The real token still works.
  expect((await postPortal(request, {}, { authorization: `Bearer ${real}` })).status).toBe(200);
});

/** The ids of the server actions a page renders, as Next's client would send them. */
async function actionIds(page: Page, path: string) {
  await page.goto(path);
  const html = await page.content();
  const stateful = [...html.matchAll(/&quot;id&quot;:&quot;([0-9a-f]{20,})&quot;/g)].map((m) => m[1]!);
  const plain = [...html.matchAll(/name="\$ACTION_ID_([0-9a-f]{20,})"/g)].map((m) => m[1]!);
  return { stateful: [...new Set(stateful)], plain: [...new Set(plain)] };
}

async function callAction(
  request: APIRequestContext,
  path: string,
  id: string,
  body: string,
  contentType = "text/plain;charset=UTF-8",
) {
  const res = await request.post(path, {
    headers: { "next-action": id, "content-type": contentType, origin: appUrl },
    data: body,
    failOnStatusCode: false,
    maxRedirects: 0,
  });
  return { status: res.status(), text: await res.text() };
}

test("server actions called with something other than their form get a typed refusal, not 500", async ({ page }) => {
  const login = await actionIds(page, "/login");
  await signIn(page, "owner@acme.test");
  const billing = await actionIds(page, "/billing");
  const [signInAction] = login.stateful;
  const [portalAction] = billing.stateful;
  const [signOutAction] = billing.plain;
  expect(signInAction && portalAction && signOutAction).toBeTruthy();
  const before = await sessionsCreated();

  // Bodies Next decodes: the actions themselves see the wrong arguments.
  const decoded = [
    '["x"]',
    '[{}, "a string"]',
    "[{}, [1, 2]]",
    `[{}, {"companyId": "${companies.acme.id}"}]`,
    "[]",
    "[null, null]",
    '["$@1", "$@2"]',
    '[{}, {"$$typeof": "x"}]',
  ];
  for (const body of decoded) {
    const portal = await callAction(page.request, "/billing", portalAction!, body);
    expect.soft(portal.status, body).toBe(200);
    expect.soft(portal.text, body).toContain('"code":"invalid_request"');
    const signInRes = await callAction(page.request, "/login", signInAction!, body);
    expect.soft(signInRes.status, body).toBe(200);
    expect.soft(signInRes.text, body).toContain("Enter your email address and password.");
  }
  // Bodies Next can't decode: refused before it tries.
  for (const [body, type] of [
    ['"x"', "text/plain;charset=UTF-8"],
    ["{}", "text/plain;charset=UTF-8"],
    ["not json", "text/plain;charset=UTF-8"],
    ["garbage", "multipart/form-data; boundary=XX"],
    ["garbage", "multipart/form-data"],
    ['--XX\r\ncontent-disposition: form-data; name="0"\r\n\r\n"x"\r\n--XX--\r\n', "multipart/form-data; boundary=XX"],
    [
      '--XX\r\ncontent-disposition: form-data; name="1_email"\r\n\r\na@b.c\r\n--XX--\r\n',
      "multipart/form-data; boundary=XX",
    ],
  ] as const)
    for (const [path, id] of [
      ["/billing", portalAction!],
      ["/login", signInAction!],
      ["/billing", signOutAction!],
    ] as const) {
      const res = await callAction(page.request, path, id, body, type);
      expect.soft(res.status, `${path} ${body} ${type}`).toBe(400);
      expect.soft(JSON.parse(res.text), body).toMatchObject({ code: "invalid_request" });
    }
  const big = await callAction(page.request, "/billing", portalAction!, `["${"x".repeat(100 * 1024)}"]`);
  expect(big.status).toBe(413);
  expect(JSON.parse(big.text)).toMatchObject({ code: "payload_too_large" });

  expect(await sessionsCreated()).toBe(before);
  // Sign-out with hostile arguments still signs out; the page still renders for a new sign-in.
  expect((await callAction(page.request, "/billing", signOutAction!, '["x", {"scope": 5}]')).status).toBeLessThan(400);
  await page.goto("/billing");
  await expect(page).toHaveURL(/\/login\?next=/);
  await signIn(page, "owner@acme.test");
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
});

test("the Subscribe action called with something other than its form gets a typed refusal, not 500", async ({
  page,
}) => {
  await signIn(page, "owner@initech.test");
  const { stateful } = await actionIds(page, "/billing");
  // One action serves every plan form of the page.
  expect(stateful).toHaveLength(1);
  for (const body of ['["x"]', "[{}, [1, 2]]", '[{}, {"price": "price_pro_monthly"}]', "[null, null]"]) {
    const res = await callAction(page.request, "/billing", stateful[0]!, body);
    expect.soft(res.status, body).toBe(200);
    expect.soft(res.text, body).toContain('"code":"invalid_request"');
  }
  for (const [body, type] of [
    ["not json", "text/plain;charset=UTF-8"],
    ["garbage", "multipart/form-data; boundary=XX"],
  ] as const) {
    const res = await callAction(page.request, "/billing", stateful[0]!, body, type);
    expect.soft(res.status, body).toBe(400);
  }
  expect((await stripe.counters()).calls["POST /v1/customers"] ?? 0).toBe(0);
  expect(await checkoutSessions()).toBe(0);
});

const hostileNext = [
  "/\u2215\u2215evil.com",
  "/billing\u3002evil",
  "/\uff0f\uff0fevil.com",
  "\uff0f\uff0fevil.com",
  "/%2F%2Fevil.com",
  "/%5Cevil.com",
  "/%2e%2e//evil.com",
  "/\\evil.com",
  "//evil.com",
  "/\t/evil.com",
  "/%0d%0aSet-Cookie:%20x=1",
  "https://evil.com/",
  "/%E2%88%95%E2%88%95evil.com",
];

test("sign-in's next: anything but a plain path of this app falls back to /billing, after a real sign-in", async ({
  page,
}) => {
  for (const next of hostileNext) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await expect(page.locator('input[name="next"]')).toHaveValue("/billing");
    // The attacker's own form could post anything: put it back into the field before submitting.
    await page.locator('input[name="next"]').evaluate((el, v) => ((el as HTMLInputElement).value = v), next);
    await page.getByLabel("Email").fill("owner@acme.test");
    await page.getByLabel("Password").fill("password123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, next).toHaveURL(`${appUrl}/billing`);
    await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  }
});

test("CSRF: a sibling origin can't use the visitor's cookie, by fetch, form or server action", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  const before = await sessionsCreated();
  // Same site, another port: cookies for localhost travel there too.
  const sibling = new URL(badConfigUrl).origin;
  const forged: Record<string, string>[] = [
    { origin: sibling },
    { origin: "null" },
    { "sec-fetch-site": "same-site" },
    { "sec-fetch-site": "cross-site" },
  ];
  for (const headers of forged)
    for (const path of BILLING_POSTS) {
      const res = await page.request.post(path, { headers, data: {}, failOnStatusCode: false });
      expect.soft(res.status(), `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect.soft((await res.json()).code).toBe("cross_site_request");
    }
  const { stateful } = await actionIds(page, "/billing");
  const action = await page.request.post("/billing", {
    headers: { "next-action": stateful[0]!, "content-type": "text/plain;charset=UTF-8", origin: sibling },
    data: `[{}, "x"]`,
    failOnStatusCode: false,
  });
  expect(action.status()).toBe(403);
  expect((await action.json()).code).toBe("cross_site_request");

  // The real thing, from a page on the sibling origin in the same browser.
  await page.goto(`${badConfigUrl}/login`);
  const results = await page.evaluate(async (target) => {
    const noCors = await fetch(`${target}/api/portal`, {
      method: "POST",
      mode: "no-cors",
      credentials: "include",
      body: "",
    });
    return { noCors: noCors.type };
  }, appUrl);
  expect(results.noCors).toBe("opaque");
  await page.evaluate((target) => {
    const form = document.createElement("form");
    form.method = "POST";
    form.action = `${target}/api/portal`;
    document.body.appendChild(form);
    form.submit();
  }, appUrl);
  await expect(page.locator("body")).toContainText("cross_site_request");
  expect(await sessionsCreated()).toBe(before);

  // Bearer clients are unaffected by Origin.
  const token = await accessToken("owner@acme.test");
  expect((await postPortal(page.request, {}, { authorization: `Bearer ${token}`, origin: sibling })).status).toBe(200);
});

test("bounded input: 413 before parsing, and messages that never echo the input", async ({ page, request }) => {
  const before = await sessionsCreated();
  for (const path of BILLING_POSTS) {
    const started = Date.now();
    const huge = await request.post(path, {
      headers: { "content-type": "application/json" },
      data: Buffer.alloc(20 * 1024 * 1024, 0x20),
      failOnStatusCode: false,
    });
    expect(huge.status(), path).toBe(413);
    expect((await huge.json()).code).toBe("payload_too_large");
    expect(Date.now() - started).toBeLessThan(5_000);
  }

  await signIn(page, "owner@acme.test");
  for (const path of BILLING_POSTS) {
    const over = await page.request.post(path, {
      data: { companyId: companies.acme.id, pad: "x".repeat(17 * 1024) },
      failOnStatusCode: false,
    });
    expect(over.status(), path).toBe(413);
    const keys = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`unknown_key_${i}`, 1])); // ~13 KB
    // Subscribe's body also gets a valid price, so that the unknown keys are what is refused.
    const data = path === "/api/checkout" ? { ...keys, price: "price_pro_monthly" } : keys;
    const many = await page.request.post(path, { data, failOnStatusCode: false });
    expect(many.status(), path).toBe(400);
    const body = (await many.json()) as { code: string; error: string };
    expect(body.code).toBe("invalid_request");
    expect(body.error.length).toBeLessThan(300);
  }
  expect(await sessionsCreated()).toBe(before);
  expect(await checkoutSessions()).toBe(0);
});

test("a correctly signed webhook body that is not a Stripe event gets 400 and writes nothing", async ({ request }) => {
  const { default: Stripe } = await import("stripe");
  const signer = new Stripe("sk_test_signer");
  const count = () =>
    withDatabase(async (sql) => (await sql`select count(*)::int as n from public.stripe_events`)[0]?.n);
  const before = await count();
  for (const payload of [
    "{}",
    "[]",
    "null",
    '{"id":"evt_1","object":"event"}',
    '{"id":"evt_1","object":"event","type":"customer.updated","created":1,"data":{}}',
  ]) {
    const res = await request.post("/api/stripe/webhook", {
      headers: {
        "content-type": "application/json",
        "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: LOCAL_WEBHOOK_SECRET }),
      },
      data: payload,
      failOnStatusCode: false,
    });
    expect.soft(res.status(), payload).toBe(400);
    expect.soft((await res.json()).code, payload).toBe("invalid_request");
  }
  expect(await count()).toBe(before);
});

test("headers: no framing by another origin, HttpOnly session cookies, no caching of a session, 405 for other methods", async ({
  page,
  request,
}) => {
  for (const path of ["/login", "/billing", "/"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect.soft(res.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
  }
  const [signInResponse] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    signIn(page, "owner@acme.test"),
  ]);
  // The sign-in action writes the session cookies: its answer must not be cacheable.
  expect(await signInResponse.headerValue("set-cookie")).toMatch(/sb-.+-auth-token/);
  expect(await signInResponse.headerValue("cache-control")).toMatch(/no-store/);
  const cookies = (await page.context().cookies()).filter((c) => c.name.startsWith("sb-"));
  expect(cookies.length).toBeGreaterThan(0);
  for (const c of cookies) expect.soft(c.httpOnly, c.name).toBe(true);
  expect(await page.evaluate(() => document.cookie)).not.toContain("sb-");

  // A page on another origin can't show /billing in a frame.
  await page.goto(`${badConfigUrl}/login`);
  await page.evaluate((src) => {
    const frame = document.createElement("iframe");
    frame.src = src;
    frame.name = "victim";
    document.body.appendChild(frame);
  }, `${appUrl}/billing`);
  await expect.poll(() => page.frame("victim")?.url()).toMatch(/^chrome-error:|^about:blank/);

  for (const method of ["TRACE", "PUT", "DELETE", "PATCH", "PROPFIND"])
    for (const path of ["/billing", "/login", "/"]) {
      const res = await request.fetch(path, { method, failOnStatusCode: false, maxRedirects: 0 });
      expect.soft(res.status(), `${method} ${path}`).toBe(405);
    }
  for (const path of ["/api/portal", "/api/stripe/webhook"]) {
    const res = await request.fetch(path, { method: "TRACE", failOnStatusCode: false });
    expect.soft(res.status(), `TRACE ${path}`).toBe(405);
  }
});
