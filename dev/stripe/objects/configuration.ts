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

export const dashboardConfiguration = () => newConfiguration({ is_default: true });
