// The `features` parameter of a portal configuration: its schema on create and on update (where
// fewer members are required), how given features lay over the defaults, and the rules Stripe
// checks across features.
import type { JsonObject } from "../state/types.ts";
import { invalidRequest, parameterMissing } from "../wire/errors.ts";
import type { Parsed, ParsedObject } from "../wire/schema.ts";
import { arrayOf, bool, int, obj, oneOf, readBool, readObject, str } from "../wire/schema.ts";

const prorations = oneOf("always_invoice", "create_prorations", "none");

// Required on create, and on update too for the two features whose `enabled` stays required there.
const featuresSchema = (update: boolean) => {
  const enabled = update ? [] : ["enabled"];
  return obj({
    customer_update: obj(
      { allowed_updates: arrayOf(oneOf("address", "email", "name", "phone", "shipping", "tax_id")), enabled: bool() },
      enabled,
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
          update ? ["enabled"] : ["enabled", "options"],
        ),
        enabled: bool(),
        mode: oneOf("at_period_end", "immediately"),
        proration_behavior: prorations,
      },
      enabled,
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
      enabled,
    ),
  });
};

export const features = featuresSchema(false);
export const featuresOnUpdate = featuresSchema(true);

type Mergeable = JsonObject[string];

// Parameters overlay defaults; an explicitly unset (empty) parameter keeps the default.
export function overlay(base: Mergeable | undefined, patch: Parsed): Mergeable {
  if (patch === null) return base ?? null;
  if (typeof patch !== "object" || Array.isArray(patch)) return patch as Mergeable;
  const out: JsonObject = base !== null && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) out[key] = overlay(out[key], value);
  return out;
}

const member = (o: JsonObject, key: string): JsonObject => {
  const v = o[key];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
};

/**
 * Stripe's rules across features, on the features as they would be saved (`saved`) and as given.
 * Since 2024-09-30.acacia a plan switcher still needs its products and allowed updates on create;
 * and one can't be on while customers can't update their card (a message users report verbatim).
 */
export function checkFeatures(given: ParsedObject | undefined, saved: JsonObject, creating: boolean): void {
  const update = readObject(given, "subscription_update");
  if (creating && readBool(update, "enabled") === true)
    for (const name of ["default_allowed_updates", "products"])
      if (update?.[name] == null) throw parameterMissing(`features[subscription_update][${name}]`);
  if (member(saved, "subscription_update").enabled === true && member(saved, "payment_method_update").enabled !== true)
    throw invalidRequest("Cannot enable subscription updates while payment method update is disabled.");
}
