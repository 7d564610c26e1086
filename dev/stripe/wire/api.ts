// One /v1 request, end to end, in Stripe's order: count it, apply an injected fault,
// authenticate, check the API version, route, take the idempotency key, validate, execute.
import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { takeFault } from "../control/faults.ts";
import { ACCOUNT_API_VERSION, randomId } from "../objects/ids.ts";
import { countCall } from "../state/store.ts";
import type { Fault, Store, StoredResponse } from "../state/types.ts";
import {
  StripeApiError,
  faultError,
  idempotencyEndpointMismatch,
  idempotencyInFlight,
  idempotencyParamsMismatch,
  invalidApiKey,
  invalidApiVersion,
  invalidRequest,
  missingApiKey,
  unrecognizedUrl,
} from "./errors.ts";
import { fingerprint, parseForm } from "./form.ts";
import { sleep, stripeJson } from "./http.ts";
import type { ApiResult, Route } from "./route.ts";
import { validateParams } from "./schema.ts";
import { isKnownApiVersion } from "./versions.ts";

export type ApiEnv = { Bindings: HttpBindings };
export type StandInApp = Hono<ApiEnv>;
type Reply = Omit<StoredResponse, "requestId">;

const errorReply = (error: StripeApiError, requestId: string): Reply => ({
  status: error.status,
  body: stripeJson(error.body(requestId)),
  headers: error.headers,
});

function apiKey(authorization: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return basic ? Buffer.from(basic, "base64").toString("utf8").split(":")[0] || undefined : undefined;
}

// Edge checks, before any route: the key, then the version.
function refusal(store: Store, c: Context<ApiEnv>): StripeApiError | undefined {
  const key = apiKey(c.req.header("authorization") ?? "");
  if (!key) return missingApiKey();
  if (key !== store.apiKey) return invalidApiKey(key);
  const version = c.req.header("stripe-version");
  if (version !== undefined && !isKnownApiVersion(version)) return invalidApiVersion(version);
  return undefined;
}

type Attempt = { c: Context<ApiEnv>; route: Route | undefined; body: string; requestId: string; fault?: Fault };

async function run(store: Store, { c, route, body, requestId, fault }: Attempt): Promise<Reply> {
  const method = c.req.method;
  // Latency stands for a slow Stripe: the idempotency key is already held while it waits.
  const delay = () => (fault?.mode === "latency" ? sleep(fault.ms ?? 0) : Promise.resolve());
  const early = async (error: StripeApiError) => (await delay(), errorReply(error, requestId));

  const refused = refusal(store, c);
  if (refused) return early(refused);
  if (!route) return early(unrecognizedUrl(method, c.req.path));
  const input = parseForm(method === "POST" ? body : new URL(c.req.url).search.slice(1));

  const key = method === "POST" ? c.req.header("idempotency-key") : undefined;
  if (key !== undefined) {
    if (key.length > 255) return early(invalidRequest("Idempotency-Key must be at most 255 characters long."));
    const endpoint = `${method} ${c.req.path}`;
    const seen = store.idempotency.lookup(key, endpoint, fingerprint(input));
    if (seen.kind === "in-flight") return early(idempotencyInFlight(key));
    if (seen.kind === "params-mismatch") return early(idempotencyParamsMismatch(key));
    if (seen.kind === "endpoint-mismatch")
      return early(idempotencyEndpointMismatch(key, seen.firstEndpoint.split(" ")[1] ?? "", c.req.path));
    if (seen.kind === "replay") {
      await delay();
      const { requestId: original, headers, ...stored } = seen.response;
      return { ...stored, headers: { ...headers, "Idempotent-Replayed": "true", "Original-Request": original } };
    }
    store.idempotency.begin(key, endpoint, fingerprint(input));
  }

  let executed: Reply | null = null;
  try {
    await delay();
    const ctx = { store, pathParams: c.req.param(), request: { id: requestId, idempotency_key: key ?? null } };
    let params;
    try {
      params = validateParams(input, route.schema);
      route.check?.(params, ctx);
    } catch (error) {
      if (error instanceof StripeApiError) return errorReply(error, requestId);
      throw error;
    }
    let result: ApiResult;
    try {
      result = route.execute(params, ctx);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      result = { status: error.status, body: error.body(requestId) };
    }
    executed = { status: result.status, body: stripeJson(result.body), headers: {} };
    // A failure after the request ran: Stripe keeps it under the key and says not to retry.
    if (fault?.mode === "status" && fault.afterExecute)
      executed = {
        ...errorReply(faultError(fault.status ?? 500), requestId),
        headers: { "Stripe-Should-Retry": "false" },
      };
    return executed;
  } finally {
    if (key !== undefined) store.idempotency.finish(key, executed && { ...executed, requestId });
  }
}

async function answer(store: Store, c: Context<ApiEnv>, pattern: string, routes: Route[]): Promise<Response> {
  const started = Date.now();
  const method = c.req.method;
  const requestId = randomId("req_", 14);
  countCall(store, `${method} ${pattern}`, true);
  const body = method === "POST" ? await c.req.text() : "";
  const fault = takeFault(store.faults, method, c.req.path, pattern);
  const route = routes.find((r) => r.method === method);

  let reply: Reply;
  if (fault?.mode === "status" && !fault.afterExecute) {
    const error = faultError(fault.status ?? 500);
    reply = { status: error.status, body: stripeJson(fault.body ?? error.body(requestId)), headers: {} };
  } else reply = await run(store, { c, route, body, requestId, fault });

  const idempotencyKey = method === "POST" ? c.req.header("idempotency-key") : undefined;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Request-Id": requestId,
    "Stripe-Version": c.req.header("stripe-version") ?? ACCOUNT_API_VERSION,
    ...(idempotencyKey !== undefined && { "Idempotency-Key": idempotencyKey }),
    ...reply.headers,
    ...fault?.headers,
  };
  const dropped = fault?.mode === "drop";
  const note = fault
    ? ` [fault ${fault.mode}${fault.status ? ` ${fault.status}` : ""}${fault.ms ? ` ${fault.ms}ms` : ""}]`
    : "";
  store.log(
    `${method} ${c.req.path} -> ${dropped ? "dropped" : reply.status} ${requestId} ${Date.now() - started}ms${note}`,
  );
  // A dropped call has fully executed (and stored its idempotent result) but the client never hears back.
  if (dropped) c.env.incoming.socket.destroy();
  return c.body(reply.body, reply.status as 200, headers);
}

// Every route under one pattern, so a known path with the wrong method is counted under its pattern.
export function mountApi(app: StandInApp, store: Store, routes: Route[]): void {
  for (const path of new Set(routes.map((r) => r.path))) {
    const group = routes.filter((r) => r.path === path);
    app.all(path, (c) => answer(store, c, path, group));
  }
  app.notFound((c) => answer(store, c, c.req.path, []));
}
