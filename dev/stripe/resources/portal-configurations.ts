// /v1/billing_portal/configurations: create (billing_portal.configuration.created), update
// (…updated), retrieve, list. The dashboard default is there from the start; /__control/config
// can take it away. `features.subscription_update.products` is includable, as at Stripe: answered
// only when expanded.
import { apiDefaultFeatures, newConfiguration } from "../objects/configuration.ts";
import { nowSeconds, randomId } from "../objects/ids.ts";
import { findConfiguration } from "../state/store.ts";
import type { ConfigurationObject, JsonObject, Store } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, listObject, paginate } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { bool, metadata, obj, readBool, readObject, readString, str, url } from "../wire/schema.ts";
import { checkFeatures, features, featuresOnUpdate, overlay } from "./portal-features.ts";

const PRODUCTS = "features.subscription_update.products";
const EXPANDABLE = ["application", PRODUCTS];
const PATH = "/v1/billing_portal/configurations";

const text = (p: ParsedObject | undefined, key: string) => readString(p, key) ?? null;

/** A configuration as answered: products left out unless expanded. */
export function renderConfiguration(configuration: ConfigurationObject, expand = new Set<string>()): JsonObject {
  const out = structuredClone(configuration) as JsonObject;
  const update = (out.features as JsonObject | undefined)?.subscription_update as JsonObject | undefined;
  if (update && !expand.has(PRODUCTS)) delete update.products;
  return out;
}

// Newest first, as Stripe lists; the default only while it is there.
const visible = (store: Store): ConfigurationObject[] =>
  [...store.configurations.values()].filter((c) => findConfiguration(store, c.id)).reverse();

// What create and update both take, laid over `base`.
function apply(base: ConfigurationObject, p: ParsedObject, store: Store): ConfigurationObject {
  const out = structuredClone(base);
  const profile = readObject(p, "business_profile");
  if (profile) out.business_profile = overlay(out.business_profile, profile) as JsonObject;
  if (p.default_return_url !== undefined) out.default_return_url = text(p, "default_return_url");
  const login = readObject(p, "login_page");
  if (login) {
    const enabled = readBool(login, "enabled") ?? false;
    // Stripe hosts a login page for configurations that enable it.
    out.login_page = { enabled, url: enabled ? `${store.baseUrl}/p/login/${randomId("test_", 24)}` : null };
  }
  const meta = { ...(out.metadata as JsonObject) };
  for (const [key, value] of Object.entries(readObject(p, "metadata") ?? {}))
    if (typeof value === "string") meta[key] = value;
    else delete meta[key];
  out.metadata = meta;
  if (p.name !== undefined) out.name = text(p, "name");
  const active = readBool(p, "active");
  if (active !== undefined) out.active = active;
  if (readObject(p, "features")) out.features = overlay(out.features, readObject(p, "features") ?? null) as JsonObject;
  return out;
}

function create(p: ParsedObject, ctx: RouteContext) {
  const base = newConfiguration({
    features: apiDefaultFeatures(),
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
  });
  const configuration = apply(base, p, ctx.store);
  checkFeatures(readObject(p, "features"), configuration.features as JsonObject, true);
  ctx.store.configurations.set(configuration.id, configuration);
  emit(ctx.store, "billing_portal.configuration.created", renderConfiguration(configuration), {
    request: ctx.request,
  });
  return ok(renderConfiguration(configuration, expansions(p, EXPANDABLE)));
}

function update(p: ParsedObject, ctx: RouteContext) {
  const id = ctx.pathParams.id ?? "";
  const before = findConfiguration(ctx.store, id);
  if (!before) throw resourceMissing("configuration", id, "configuration");
  const after = apply(before, p, ctx.store);
  after.updated = nowSeconds();
  checkFeatures(readObject(p, "features"), after.features as JsonObject, false);
  ctx.store.configurations.set(id, after);
  emit(ctx.store, "billing_portal.configuration.updated", renderConfiguration(after), {
    before: renderConfiguration(before),
    request: ctx.request,
  });
  return ok(renderConfiguration(after, expansions(p, EXPANDABLE)));
}

const common = {
  business_profile: obj({ headline: str(), privacy_policy_url: url(), terms_of_service_url: url() }),
  default_return_url: url(),
  login_page: obj({ enabled: bool() }, ["enabled"]),
  metadata: metadata(),
  name: str(),
  ...expandParam,
};

export const portalConfigurationRoutes: Route[] = [
  {
    method: "POST",
    path: PATH,
    schema: obj({ ...common, features }, ["features"]),
    check: (p) => void expansions(p, EXPANDABLE),
    execute: create,
  },
  {
    method: "POST",
    path: `${PATH}/:id`,
    schema: obj({ ...common, active: bool(), features: featuresOnUpdate }),
    check: (p) => void expansions(p, EXPANDABLE),
    execute: update,
  },
  {
    method: "GET",
    path: PATH,
    schema: obj({ active: bool(), is_default: bool(), ...listParams }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const active = readBool(p, "active");
      const isDefault = readBool(p, "is_default");
      const matching = visible(ctx.store).filter(
        (c) => (active === undefined || c.active === active) && (isDefault === undefined || c.is_default === isDefault),
      );
      const page = paginate(matching, p, PATH, "billing_portal.configuration");
      const expand = expansions(p, EXPANDABLE, true);
      return ok(
        listObject(
          PATH,
          page.data.map((c) => renderConfiguration(c, expand)),
          page.has_more,
        ),
      );
    },
  },
  {
    method: "GET",
    path: `${PATH}/:id`,
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const configuration = findConfiguration(ctx.store, id);
      if (!configuration) throw resourceMissing("configuration", id, "configuration");
      return ok(renderConfiguration(configuration, expansions(p, EXPANDABLE)));
    },
  },
];
