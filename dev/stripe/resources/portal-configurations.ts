// /v1/billing_portal/configurations: create (billing_portal.configuration.created), retrieve, list.
// The dashboard default is there from the start; /__control/config can take it away.
import { apiDefaultFeatures, newConfiguration } from "../objects/configuration.ts";
import { randomId } from "../objects/ids.ts";
import { findConfiguration } from "../state/store.ts";
import type { ConfigurationObject, JsonObject, Store } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { bool, metadata, obj, readBool, readObject, readString, str, url } from "../wire/schema.ts";
import { features, overlay } from "./portal-features.ts";

const text = (p: ParsedObject | undefined, key: string) => readString(p, key) ?? null;

// Newest first, as Stripe lists; the default only while it is there.
const visible = (store: Store): ConfigurationObject[] =>
  [...store.configurations.values()].filter((c) => findConfiguration(store, c.id)).reverse();

function create(p: ParsedObject, store: Store): ConfigurationObject {
  const profile = readObject(p, "business_profile");
  const loginEnabled = readBool(readObject(p, "login_page"), "enabled") ?? false;
  const meta = Object.entries(readObject(p, "metadata") ?? {}).filter(([, v]) => typeof v === "string");
  return newConfiguration({
    features: overlay(apiDefaultFeatures(), readObject(p, "features") ?? null) as JsonObject,
    business_profile: {
      headline: text(profile, "headline"),
      privacy_policy_url: text(profile, "privacy_policy_url"),
      terms_of_service_url: text(profile, "terms_of_service_url"),
    },
    default_return_url: text(p, "default_return_url"),
    // Stripe hosts a login page for configurations that enable it.
    login_page: {
      enabled: loginEnabled,
      url: loginEnabled ? `${store.baseUrl}/p/login/${randomId("test_", 24)}` : null,
    },
    metadata: Object.fromEntries(meta) as JsonObject,
    name: text(p, "name"),
  });
}

export const portalConfigurationRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/billing_portal/configurations",
    schema: obj(
      {
        business_profile: obj({ headline: str(), privacy_policy_url: url(), terms_of_service_url: url() }),
        default_return_url: url(),
        features,
        login_page: obj({ enabled: bool() }, ["enabled"]),
        metadata: metadata(),
        name: str(),
        ...expandParam,
      },
      ["features"],
    ),
    check: (p) => void expansions(p, ["application"]),
    execute(p, ctx) {
      const configuration = create(p, ctx.store);
      ctx.store.configurations.set(configuration.id, configuration);
      emit(ctx.store, "billing_portal.configuration.created", configuration, { request: ctx.request });
      return ok(configuration);
    },
  },
  {
    method: "GET",
    path: "/v1/billing_portal/configurations",
    schema: obj({ active: bool(), is_default: bool(), ...listParams }),
    check: (p) => void expansions(p, ["application"], true),
    execute(p, ctx) {
      const active = readBool(p, "active");
      const isDefault = readBool(p, "is_default");
      const matching = visible(ctx.store).filter(
        (c) => (active === undefined || c.active === active) && (isDefault === undefined || c.is_default === isDefault),
      );
      return ok(paginate(matching, p, "/v1/billing_portal/configurations", "billing_portal.configuration"));
    },
  },
  {
    method: "GET",
    path: "/v1/billing_portal/configurations/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, ["application"]),
    execute(_p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const configuration = findConfiguration(ctx.store, id);
      if (!configuration) throw resourceMissing("configuration", id, "configuration");
      return ok(configuration);
    },
  },
];
