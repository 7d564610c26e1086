// /v1/billing_portal/configurations: create, retrieve, list.
import { resourceMissing } from "./errors.ts";
import type { JsonObject } from "./objects.ts";
import { newConfiguration, randomId } from "./objects.ts";
import type { Parsed, ParsedObject } from "./schema.ts";
import { arrayOf, bool, int, metadata, obj, oneOf, readBool, readObject, readString, str, url } from "./schema.ts";
import type { Route } from "./routes.ts";
import { expandParam, expansions, listParams, ok, paginate } from "./routes.ts";
import { findConfiguration, visibleConfigurations } from "./store.ts";

const prorations = oneOf("always_invoice", "create_prorations", "none");

const features = obj({
  customer_update: obj(
    { allowed_updates: arrayOf(oneOf("address", "email", "name", "phone", "shipping", "tax_id")), enabled: bool() },
    ["enabled"],
  ),
  invoice_history: obj({ enabled: bool() }, ["enabled"]),
  payment_method_update: obj({ enabled: bool(), payment_method_configuration: str() }, ["enabled"]),
  subscription_cancel: obj(
    {
      cancellation_reason: obj(
        {
          enabled: bool(),
          feedback_options: arrayOf(str()),
          options: arrayOf(
            oneOf(
              "customer_service",
              "low_quality",
              "missing_features",
              "other",
              "switched_service",
              "too_complex",
              "too_expensive",
              "unused",
            ),
          ),
        },
        ["enabled", "options"],
      ),
      enabled: bool(),
      mode: oneOf("at_period_end", "immediately"),
      proration_behavior: prorations,
    },
    ["enabled"],
  ),
  subscription_pause: obj({
    duration: obj(
      {
        interval_options: arrayOf(
          obj({ interval: oneOf("day", "month", "week", "year"), interval_count: int(1) }, ["interval"]),
        ),
        type: oneOf("indefinite", "interval_options"),
      },
      ["type"],
    ),
    enabled: bool(),
  }),
  subscription_update: obj(
    {
      billing_cycle_anchor: oneOf("now", "unchanged"),
      default_allowed_updates: arrayOf(oneOf("price", "promotion_code", "quantity")),
      enabled: bool(),
      products: arrayOf(
        obj(
          {
            adjustable_quantity: obj({ enabled: bool(), maximum: int(), minimum: int() }, ["enabled"]),
            prices: arrayOf(str()),
            product: str(),
          },
          ["prices", "product"],
        ),
      ),
      proration_behavior: prorations,
      schedule_at_period_end: obj({
        conditions: arrayOf(obj({ type: oneOf("decreasing_item_amount", "shortening_interval") }, ["type"])),
      }),
      trial_update_behavior: oneOf("continue_trial", "end_trial"),
    },
    ["enabled"],
  ),
});

// A configuration made through the API starts with every feature off.
const disabledFeatures = (): JsonObject => ({
  customer_update: { allowed_updates: [], enabled: false },
  invoice_history: { enabled: false },
  payment_method_update: { enabled: false, payment_method_configuration: null },
  subscription_cancel: {
    cancellation_reason: { enabled: false, feedback_options: null, options: [] },
    enabled: false,
    mode: "at_period_end",
    proration_behavior: "none",
  },
  subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
  subscription_update: {
    billing_cycle_anchor: null,
    default_allowed_updates: [],
    enabled: false,
    proration_behavior: "none",
    schedule_at_period_end: { conditions: [] },
    trial_update_behavior: "end_trial",
  },
});

type Mergeable = JsonObject[string];

// Parameters overlay defaults; an explicitly unset (empty) parameter keeps the default.
function overlay(base: Mergeable | undefined, patch: Parsed): Mergeable {
  if (patch === null) return base ?? null;
  if (typeof patch !== "object" || Array.isArray(patch)) return patch as Mergeable;
  const out: JsonObject = base !== null && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) out[key] = overlay(out[key], value);
  return out;
}

const text = (p: ParsedObject | undefined, key: string) => readString(p, key) ?? null;

export const configurationRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v1/billing_portal/configurations",
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
      const profile = readObject(p, "business_profile");
      const loginEnabled = readBool(readObject(p, "login_page"), "enabled") ?? false;
      const meta = Object.entries(readObject(p, "metadata") ?? {}).filter(([, v]) => typeof v === "string");
      const configuration = newConfiguration({
        isDefault: false,
        features: overlay(disabledFeatures(), readObject(p, "features") ?? null) as JsonObject,
        business_profile: {
          headline: text(profile, "headline"),
          privacy_policy_url: text(profile, "privacy_policy_url"),
          terms_of_service_url: text(profile, "terms_of_service_url"),
        },
        default_return_url: text(p, "default_return_url"),
        // Stripe hosts a login page for configurations that enable it.
        login_page: {
          enabled: loginEnabled,
          url: loginEnabled ? `${ctx.baseUrl}/p/login/${randomId("test_", 24)}` : null,
        },
        metadata: Object.fromEntries(meta) as JsonObject,
        name: text(p, "name"),
      });
      ctx.store.configurations.set(configuration.id, configuration);
      return ok(configuration);
    },
  },
  {
    method: "GET",
    pattern: "/v1/billing_portal/configurations",
    schema: obj({ active: bool(), is_default: bool(), ...listParams }),
    execute(p, ctx) {
      expansions(p, ["application"], "data.");
      const active = readBool(p, "active");
      const isDefault = readBool(p, "is_default");
      const matching = visibleConfigurations(ctx.store).filter(
        (c) => (active === undefined || c.active === active) && (isDefault === undefined || c.is_default === isDefault),
      );
      return ok(paginate(matching, p, "/v1/billing_portal/configurations", "billing_portal.configuration"));
    },
  },
  {
    method: "GET",
    pattern: "/v1/billing_portal/configurations/:id",
    schema: obj(expandParam),
    execute(p, ctx) {
      expansions(p, ["application"]);
      const id = ctx.pathParams.id ?? "";
      const configuration = findConfiguration(ctx.store, id);
      if (!configuration) throw resourceMissing("configuration", id, "configuration");
      return ok(configuration);
    },
  },
];
