// GET /v1/events: what the doctor and the reconciler read back. `delivery_success` is accepted and
// not applied yet (every event is listed), which tests/integration/reconcile.test.ts relies on
// until webhook endpoints and delivery outcomes are served too.
import type { StripeEvent } from "../state/types.ts";
import { parameterInvalidInteger, parameterUnknown } from "../wire/errors.ts";
import { listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { Parsed } from "../wire/schema.ts";
import { any, arrayOf, bool, obj, readArray, readString, str } from "../wire/schema.ts";

const COMPARE: Record<string, (created: number, bound: number) => boolean> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

const integer = (value: Parsed, param: string) => {
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) throw parameterInvalidInteger(param, String(value));
  return Number(value);
};

// `created`: a second, or a range of gt/gte/lt/lte, as every Stripe list takes it.
function createdFilter(value: Parsed | undefined): (e: StripeEvent) => boolean {
  if (value === undefined || value === null) return () => true;
  if (typeof value !== "object" || Array.isArray(value)) {
    const at = integer(value, "created");
    return (e) => e.created === at;
  }
  const unknown = Object.keys(value).filter((k) => !(k in COMPARE));
  if (unknown.length > 0) throw parameterUnknown(unknown.map((k) => `created[${k}]`));
  const bounds = Object.entries(value).map(([k, v]) => [COMPARE[k]!, integer(v, `created[${k}]`)] as const);
  return (e) => bounds.every(([compare, bound]) => compare(e.created, bound));
}

export const eventRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/events",
    schema: obj({ created: any(), delivery_success: bool(), type: str(), types: arrayOf(str(), 20), ...listParams }),
    check: (p) => void createdFilter(p.created),
    execute(p, ctx) {
      const type = readString(p, "type");
      const types = readArray(p, "types");
      const inRange = createdFilter(p.created);
      // `type` takes a trailing wildcard, e.g. customer.subscription.*
      const matches = (t: string) =>
        type === undefined || (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type);
      const matching = ctx.store.events
        .filter((e) => matches(e.type) && (types === undefined || types.includes(e.type)) && inRange(e))
        .reverse();
      return ok(paginate(matching, p, "/v1/events", "event"));
    },
  },
];
