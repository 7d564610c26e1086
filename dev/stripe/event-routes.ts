// /v1/events: webhook handlers often fetch the event again by id to trust it.
import { resourceMissing } from "./errors.ts";
import type { Route } from "./routes.ts";
import { expandParam, listParams, ok, paginate } from "./routes.ts";
import { any, arrayOf, bool, obj, readArray, readString, str } from "./schema.ts";

export const eventRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/events",
    schema: obj({ created: any(), delivery_success: bool(), type: str(), types: arrayOf(str()), ...listParams }),
    execute(p, ctx) {
      const type = readString(p, "type");
      const types = readArray(p, "types");
      // `type` takes a trailing wildcard, e.g. customer.subscription.*
      const matches = (t: string) =>
        type === undefined || (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type);
      const matching = ctx.store.events
        .filter((e) => matches(e.type) && (types === undefined || types.includes(e.type)))
        .reverse();
      return ok(paginate(matching, p, "/v1/events", "event"));
    },
  },
  {
    method: "GET",
    pattern: "/v1/events/:id",
    schema: obj(expandParam),
    execute(_p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const event = ctx.store.events.find((e) => e.id === id);
      if (!event) throw resourceMissing("event", id, "id");
      return ok(event);
    },
  },
];
