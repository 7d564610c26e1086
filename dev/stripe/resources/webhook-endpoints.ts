// /v1/webhook_endpoints: list, create, retrieve, update (disable), delete. What is listed is what
// the stand-in really delivers to (webhooks/deliver.ts reads the same entries), the start option's
// endpoint included. The signing secret is answered only by create, as at Stripe.
import { ENABLED_EVENT_TYPES } from "../objects/event-types.ts";
import { newWebhookEndpoint } from "../objects/webhook-endpoint.ts";
import type { EndpointEntry, WebhookEndpointObject } from "../state/types.ts";
import { invalidRequest, resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import {
  arrayOf,
  bool,
  metadata,
  obj,
  oneOf,
  readArray,
  readBool,
  readObject,
  readString,
  str,
  url,
} from "../wire/schema.ts";
import { isKnownApiVersion } from "../wire/versions.ts";

const enabledEvents = arrayOf(oneOf(...ENABLED_EVENT_TYPES));
const PATH = "/v1/webhook_endpoints";

// Stripe can't reach these, and says so; events for a local app come through `stripe listen`.
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

function checkUrl(p: ParsedObject): void {
  const given = readString(p, "url");
  if (given !== undefined && LOCAL_HOST.test(new URL(given).hostname))
    throw invalidRequest(
      "Invalid URL: URLs must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally: https://github.com/stripe/stripe-cli",
      "url",
    );
}

function checkCreate(p: ParsedObject): void {
  checkUrl(p);
  const version = readString(p, "api_version");
  if (version !== undefined && !isKnownApiVersion(version))
    throw invalidRequest(`Invalid api_version: ${version}`, "api_version");
  expansions(p, []);
}

const eventList = (p: ParsedObject) => (readArray(p, "enabled_events") ?? []).filter((e) => typeof e === "string");

// Metadata as Stripe merges it: given keys set, empty ones removed.
function mergeMetadata(current: Record<string, string>, given: ParsedObject | undefined): Record<string, string> {
  const out = { ...current };
  for (const [key, value] of Object.entries(given ?? {}))
    if (typeof value === "string") out[key] = value;
    else delete out[key];
  return out;
}

function entryOf(ctx: RouteContext): EndpointEntry {
  const id = ctx.pathParams.id ?? "";
  const entry = ctx.store.webhookEndpoints.get(id);
  if (!entry) throw resourceMissing("webhook endpoint", id, "id");
  return entry;
}

const copy = (entry: EndpointEntry): WebhookEndpointObject => structuredClone(entry.endpoint);

function update(entry: EndpointEntry, p: ParsedObject): void {
  const endpoint = entry.endpoint;
  const disabled = readBool(p, "disabled");
  if (disabled !== undefined) endpoint.status = disabled ? "disabled" : "enabled";
  if (readArray(p, "enabled_events")) endpoint.enabled_events = eventList(p);
  if (p.description !== undefined) endpoint.description = readString(p, "description") ?? null;
  endpoint.url = readString(p, "url") ?? endpoint.url;
  if (p.metadata !== undefined) endpoint.metadata = mergeMetadata(endpoint.metadata, readObject(p, "metadata"));
}

export const webhookEndpointRoutes: Route[] = [
  {
    method: "GET",
    path: PATH,
    schema: obj(listParams),
    check: (p) => void expansions(p, [], true),
    execute: (p, ctx) => {
      const newestFirst = [...ctx.store.webhookEndpoints.values()].reverse().map(copy);
      return ok(paginate(newestFirst, p, PATH, "webhook endpoint"));
    },
  },
  {
    method: "POST",
    path: PATH,
    schema: obj(
      {
        api_version: str(),
        description: str(),
        enabled_events: enabledEvents,
        metadata: metadata(),
        url: url(),
        ...expandParam,
      },
      ["enabled_events", "url"],
    ),
    check: checkCreate,
    execute(p, ctx) {
      const entry = newWebhookEndpoint({
        url: readString(p, "url") ?? "",
        enabled_events: eventList(p),
        api_version: readString(p, "api_version") ?? null,
        description: readString(p, "description") ?? null,
        metadata: mergeMetadata({}, readObject(p, "metadata")),
      });
      ctx.store.webhookEndpoints.set(entry.endpoint.id, entry);
      return ok({ ...copy(entry), secret: entry.secret });
    },
  },
  {
    method: "GET",
    path: `${PATH}/:id`,
    schema: obj(expandParam),
    check: (p) => void expansions(p, []),
    execute: (_p, ctx) => ok(copy(entryOf(ctx))),
  },
  {
    method: "POST",
    path: `${PATH}/:id`,
    schema: obj({
      description: str(),
      disabled: bool(),
      enabled_events: enabledEvents,
      metadata: metadata(),
      url: url(),
      ...expandParam,
    }),
    check: (p) => (checkUrl(p), void expansions(p, [])),
    execute(p, ctx) {
      const entry = entryOf(ctx);
      update(entry, p);
      return ok(copy(entry));
    },
  },
  {
    method: "DELETE",
    path: `${PATH}/:id`,
    schema: obj({}),
    execute(_p, ctx) {
      const { endpoint } = entryOf(ctx);
      ctx.store.webhookEndpoints.delete(endpoint.id);
      if (ctx.store.controlEndpointId === endpoint.id) ctx.store.controlEndpointId = null;
      return ok({ id: endpoint.id, object: "webhook_endpoint", deleted: true });
    },
  },
];
