// What a /v1 resource declares for each of its endpoints. Handlers come in two parts because
// Stripe saves an idempotent result only once a request got past parameter validation: errors
// from `schema`/`check` are never replayed; whatever `execute` returns or throws is.
import type { EventRequest, Store } from "../state/types.ts";
import type { ObjectSchema, ParsedObject } from "./schema.ts";

export type ApiResult = { status: number; body: unknown };

export type RouteContext = {
  store: Store;
  pathParams: Record<string, string>;
  // Events a request causes name it, as Stripe's `event.request` does.
  request: EventRequest;
};

export type Route = {
  method: "GET" | "POST" | "DELETE";
  // Hono's syntax: `/v1/customers/:id`.
  path: string;
  schema: ObjectSchema;
  check?: (params: ParsedObject, ctx: RouteContext) => void;
  execute: (params: ParsedObject, ctx: RouteContext) => ApiResult;
};

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
