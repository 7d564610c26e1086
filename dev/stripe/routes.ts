// The route contract shared by the resource modules. Handlers are split in two
// because Stripe saves an idempotent result only once a request got past
// parameter validation: errors from `schema`/`check` are never replayed,
// whatever `execute` returns or throws is.
import { invalidRequest, resourceMissing } from "./errors.ts";
import type { EventRequest } from "./events.ts";
import { listObject } from "./objects.ts";
import type { ObjectSchema, ParsedObject } from "./schema.ts";
import { arrayOf, int, readArray, readNumber, readString, str } from "./schema.ts";
import type { Store } from "./store.ts";

export type ApiResult = { status: number; body: unknown };

export type RouteContext = { store: Store; baseUrl: string; pathParams: Record<string, string>; request: EventRequest };

export type Route = {
  method: "GET" | "POST" | "DELETE";
  pattern: string;
  schema: ObjectSchema;
  check?: (params: ParsedObject, ctx: RouteContext) => void;
  execute: (params: ParsedObject, ctx: RouteContext) => ApiResult;
};

export const ok = (body: unknown): ApiResult => ({ status: 200, body });

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? "";
    if (part.startsWith(":")) {
      if (actual === "") return undefined;
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) return undefined;
  }
  return params;
}

export function findRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; pathParams: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const pathParams = matchPattern(route.pattern, path);
    if (pathParams) return { route, pathParams };
  }
  return undefined;
}

// Counter key for a request: the route pattern when one exists for the path under any method.
export function patternFor(routes: Route[], path: string): string {
  return routes.find((r) => matchPattern(r.pattern, path))?.pattern ?? path;
}

export const expandParam = { expand: arrayOf(str()) };

// Stripe refuses expansions a resource does not have; list endpoints take them under `data.`.
export function expansions(params: ParsedObject, allowed: readonly string[], prefix = ""): Set<string> {
  const out = new Set<string>();
  for (const item of readArray(params, "expand") ?? []) {
    if (typeof item !== "string") continue;
    const name = prefix && item.startsWith(prefix) ? item.slice(prefix.length) : item;
    if (!allowed.includes(name) || (prefix && !item.startsWith(prefix))) {
      throw invalidRequest(`This property cannot be expanded (${item}).`);
    }
    out.add(name);
  }
  return out;
}

export const listParams = { ending_before: str(), limit: int(1, 100), starting_after: str(), ...expandParam };

// Cursor pagination over a newest-first array, as Stripe's list endpoints do.
export function paginate<T extends { id: string }>(items: T[], params: ParsedObject, url: string, noun: string) {
  const limit = readNumber(params, "limit") ?? 10;
  const locate = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw resourceMissing(noun, id, param, 400);
    return index;
  };
  const after = readString(params, "starting_after");
  const before = readString(params, "ending_before");
  if (after === undefined && before !== undefined) {
    const end = locate(before, "ending_before");
    const start = Math.max(0, end - limit);
    return listObject(url, items.slice(start, end), start > 0);
  }
  const window = after === undefined ? items : items.slice(locate(after, "starting_after") + 1);
  return listObject(url, window.slice(0, limit), window.length > limit);
}
