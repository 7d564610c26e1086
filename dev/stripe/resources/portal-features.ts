// The `features` parameter of a portal configuration: its schema, and how given features lay
// over the defaults.
import type { JsonObject } from "../state/types.ts";
import type { Parsed } from "../wire/schema.ts";
import { arrayOf, bool, int, obj, oneOf, str } from "../wire/schema.ts";

const prorations = oneOf("always_invoice", "create_prorations", "none");

export const features = obj({
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

type Mergeable = JsonObject[string];

// Parameters overlay defaults; an explicitly unset (empty) parameter keeps the default.
export function overlay(base: Mergeable | undefined, patch: Parsed): Mergeable {
  if (patch === null) return base ?? null;
  if (typeof patch !== "object" || Array.isArray(patch)) return patch as Mergeable;
  const out: JsonObject = base !== null && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) out[key] = overlay(out[key], value);
  return out;
}
