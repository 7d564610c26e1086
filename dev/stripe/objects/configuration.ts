// Portal configurations: the one a test account has once its portal settings were saved in the
// dashboard (the default), and ones made through the API, which start with every feature off.
import type { ConfigurationObject, JsonObject } from "../state/types.ts";
import { nowSeconds, randomId } from "./ids.ts";

function features(on: boolean): JsonObject {
  return {
    customer_update: { allowed_updates: on ? ["email", "address", "shipping", "phone", "tax_id"] : [], enabled: on },
    invoice_history: { enabled: on },
    payment_method_update: { enabled: on, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: on,
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
  };
}

export const apiDefaultFeatures = () => features(false);

export function newConfiguration(fields: Partial<ConfigurationObject> = {}): ConfigurationObject {
  const created = nowSeconds();
  return {
    id: randomId("bpc_", 24),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created,
    default_return_url: null,
    features: features(true),
    is_default: false,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: created,
    ...fields,
  };
}

// Saved in the dashboard with what the billing page offers switched on: plan changes among the
// given plans (the catalog's live ones), cancellation, card updates and invoices.
export function dashboardConfiguration(plans: Array<{ product: string; price: string }>): ConfigurationObject {
  const on = features(true);
  const products = plans.map((plan) => ({
    adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
    prices: [plan.price],
    product: plan.product,
  }));
  const update = { ...(on.subscription_update as JsonObject), enabled: true, default_allowed_updates: ["price"] };
  return newConfiguration({
    is_default: true,
    features: { ...on, subscription_update: { ...update, proration_behavior: "create_prorations", products } },
  });
}
