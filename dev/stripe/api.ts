// One /v1 request, end to end, in Stripe's order: count it, apply an injected
// fault, authenticate, route, take the idempotency key, validate, execute.
import type { IncomingMessage, ServerResponse } from "node:http";
import { catalogRoutes } from "./catalog-routes.ts";
import { configurationRoutes } from "./configurations.ts";
import { customerRoutes } from "./customers.ts";
import {
  StripeApiError,
  faultError,
  idempotencyEndpointMismatch,
  idempotencyInFlight,
  idempotencyParamsMismatch,
  invalidApiKey,
  invalidRequest,
  liveKeyRefused,
  missingApiKey,
  unrecognizedUrl,
} from "./errors.ts";
import type { Fault } from "./faults.ts";
import { takeFault } from "./faults.ts";
import { eventRoutes } from "./event-routes.ts";
import { fingerprint, parseForm } from "./form.ts";
import { header, readBody, send, sleep } from "./http.ts";
import { invoiceRoutes } from "./invoices.ts";
import { ACCOUNT_API_VERSION, randomId } from "./objects.ts";
import { paymentMethodRoutes } from "./payment-methods.ts";
import type { ApiResult, Route } from "./routes.ts";
import { findRoute, patternFor } from "./routes.ts";
import { validateParams } from "./schema.ts";
import { sessionRoutes } from "./sessions.ts";
import type { Store } from "./store.ts";
import { countCall } from "./store.ts";
import { subscriptionRoutes } from "./subscriptions.ts";

const ROUTES: Route[] = [
  ...customerRoutes,
  ...configurationRoutes,
  ...sessionRoutes,
  ...catalogRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...paymentMethodRoutes,
  ...eventRoutes,
];

export type ApiContext = { store: Store; baseUrl: string; log: (line: string) => void };

type Reply = { status: number; body: string; headers: Record<string, string> };

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function errorReply(error: StripeApiError, requestId: string): Reply {
  return { status: error.status, body: json(error.body(requestId)), headers: error.headers };
}

function apiKey(req: IncomingMessage): string | undefined {
  const auth = header(req, "authorization") ?? "";
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(auth)?.[1];
  return basic ? Buffer.from(basic, "base64").toString("utf8").split(":")[0] || undefined : undefined;
}

function authenticate(req: IncomingMessage): StripeApiError | undefined {
  const key = apiKey(req);
  if (!key) return missingApiKey();
  if (/^(sk|rk)_live_/.test(key)) return liveKeyRefused();
  if (!/^(sk|rk)_test_\S+$/.test(key)) return invalidApiKey(key);
  return undefined;
}

type Attempt = { req: IncomingMessage; url: URL; body: string; requestId: string; fault: Fault | undefined };

async function run(ctx: ApiContext, attempt: Attempt): Promise<Reply> {
  const { req, url, requestId, fault } = attempt;
  const method = req.method ?? "GET";
  // Latency stands for a slow Stripe: the idempotency key is already held while it waits.
  let delayed = false;
  const delay = async () => {
    if (fault?.mode === "latency" && !delayed) await sleep(fault.ms ?? 0);
    delayed = true;
  };
  const early = async (error: StripeApiError) => {
    await delay();
    return errorReply(error, requestId);
  };

  const authError = authenticate(req);
  if (authError) return early(authError);
  const match = findRoute(ROUTES, method, url.pathname);
  if (!match) return early(unrecognizedUrl(method, url.pathname));
  const input = parseForm(method === "POST" ? attempt.body : url.search.slice(1));

  const key = method === "POST" ? header(req, "idempotency-key") : undefined;
  if (key !== undefined) {
    if (key.length > 255) return early(invalidRequest("Idempotency-Key must be at most 255 characters long."));
    const endpoint = `${method} ${url.pathname}`;
    const seen = ctx.store.idempotency.lookup(key, endpoint, fingerprint(input));
    if (seen.kind === "in-flight") return early(idempotencyInFlight(key));
    if (seen.kind === "params-mismatch") return early(idempotencyParamsMismatch(key));
    if (seen.kind === "endpoint-mismatch")
      return early(idempotencyEndpointMismatch(key, seen.firstEndpoint.split(" ")[1] ?? "", url.pathname));
    if (seen.kind === "replay") {
      await delay();
      const { status, body, requestId: original } = seen.response;
      return { status, body, headers: { "Idempotent-Replayed": "true", "Original-Request": original } };
    }
    ctx.store.idempotency.begin(key, endpoint, fingerprint(input));
  }

  let stored: Reply | null = null;
  try {
    await delay();
    // Events a request causes name it, as Stripe's `event.request` does.
    const request = { id: requestId, idempotency_key: key ?? null };
    const routeCtx = { store: ctx.store, baseUrl: ctx.baseUrl, pathParams: match.pathParams, request };
    let params;
    try {
      params = validateParams(input, match.route.schema);
      match.route.check?.(params, routeCtx);
    } catch (error) {
      if (error instanceof StripeApiError) return errorReply(error, requestId);
      throw error;
    }
    let result: ApiResult;
    try {
      result = match.route.execute(params, routeCtx);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      result = { status: error.status, body: error.body(requestId) };
    }
    stored = { status: result.status, body: json(result.body), headers: {} };
    return stored;
  } finally {
    if (key !== undefined)
      ctx.store.idempotency.finish(key, stored && { status: stored.status, body: stored.body, requestId });
  }
}

export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const started = Date.now();
  const method = req.method ?? "GET";
  const requestId = randomId("req_", 14);
  const pattern = patternFor(ROUTES, url.pathname);
  countCall(ctx.store, `${method} ${pattern}`, true);
  const body = await readBody(req);
  const fault = takeFault(ctx.store.faults, method, url.pathname, pattern);
  const idempotencyKey = method === "POST" ? header(req, "idempotency-key") : undefined;

  let reply: Reply;
  if (fault?.mode === "status") {
    const error = faultError(fault.status ?? 500);
    reply = {
      status: error.status,
      body: fault.body === undefined ? json(error.body(requestId)) : json(fault.body),
      headers: {},
    };
  } else {
    reply = await run(ctx, { req, url, body, requestId, fault });
  }

  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Request-Id": requestId,
    "Stripe-Version": header(req, "stripe-version") ?? ACCOUNT_API_VERSION,
    ...(idempotencyKey !== undefined && { "Idempotency-Key": idempotencyKey }),
    ...reply.headers,
    ...fault?.headers,
  };
  const note = fault
    ? ` [fault ${fault.mode}${fault.status ? ` ${fault.status}` : ""}${fault.ms !== undefined ? ` ${fault.ms}ms` : ""}]`
    : "";
  ctx.log(
    `${method} ${url.pathname} -> ${fault?.mode === "drop" ? "dropped" : reply.status} ${requestId} ${Date.now() - started}ms${note}`,
  );
  // A dropped call has fully executed (and stored its idempotent result) but the client never hears back.
  if (fault?.mode === "drop") req.socket.destroy();
  else send(res, reply.status, reply.body, headers);
}
