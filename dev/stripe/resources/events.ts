// GET /v1/events: what the doctor and the reconciler read back, newest first, only the last 30
// days' as at Stripe. `delivery_success=false` lists the events some endpoint has not acknowledged
// yet (still being retried, or given up on): those whose pending_webhooks is not 0; `true` the rest.
import { nowSeconds } from "../objects/ids.ts";
import type { StripeEvent } from "../state/types.ts";
import { invalidRequest, parameterInvalidInteger, parameterUnknown } from "../wire/errors.ts";
import { listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { Parsed } from "../wire/schema.ts";
import { any, arrayOf, bool, obj, readArray, readBool, readString, str } from "../wire/schema.ts";

const RETENTION_SECONDS = 30 * 86_400;

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
    check(p) {
      if (p.type !== undefined && p.types !== undefined)
        throw invalidRequest("You may only specify one of these parameters: type, types.");
      createdFilter(p.created);
    },
    execute(p, ctx) {
      const type = readString(p, "type");
      const types = readArray(p, "types");
      const inRange = createdFilter(p.created);
      const since = nowSeconds() - RETENTION_SECONDS;
      const success = readBool(p, "delivery_success");
      const delivered = (e: StripeEvent) => success === undefined || (e.pending_webhooks === 0) === success;
      // `type` takes a trailing wildcard, e.g. customer.subscription.*
      const matches = (t: string) =>
        type === undefined || (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type);
      const matching = ctx.store.events
        .filter(
          (e) =>
            e.created >= since &&
            matches(e.type) &&
            (types === undefined || types.includes(e.type)) &&
            inRange(e) &&
            delivered(e),
        )
        // Newest first; events a test moved back in time (/__control/events/age) take their place.
        .reverse()
        .sort((a, b) => b.created - a.created);
      return ok(paginate(matching, p, "/v1/events", "event"));
    },
  },
];
