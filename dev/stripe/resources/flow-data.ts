// `flow_data` of a portal session: its parameter schema, the cross-field rules
// Stripe enforces on it, and the `flow` object echoed back in the session.
import type { JsonObject, Store } from "../state/types.ts";
import { invalidRequest, parameterMissing, resourceMissing } from "../wire/errors.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { arrayOf, int, obj, oneOf, readArray, readNumber, readObject, readString, str, url } from "../wire/schema.ts";

const SUBSCRIPTION_FLOWS = [
  "subscription_cancel",
  "subscription_pause",
  "subscription_update",
  "subscription_update_confirm",
] as const;
const FLOW_TYPES = ["customer_update", "payment_method_update", ...SUBSCRIPTION_FLOWS];

export const flowDataSchema = obj(
  {
    after_completion: obj(
      {
        hosted_confirmation: obj({ custom_message: str() }),
        redirect: obj({ return_url: url() }, ["return_url"]),
        type: oneOf("hosted_confirmation", "portal_homepage", "redirect"),
      },
      ["type"],
    ),
    subscription_cancel: obj(
      {
        retention: obj({ coupon_offer: obj({ coupon: str() }, ["coupon"]), type: oneOf("coupon_offer") }, [
          "coupon_offer",
          "type",
        ]),
        subscription: str(),
      },
      ["subscription"],
    ),
    subscription_pause: obj({ subscription: str() }, ["subscription"]),
    subscription_update: obj({ subscription: str() }, ["subscription"]),
    subscription_update_confirm: obj(
      {
        discounts: arrayOf(obj({ coupon: str(), promotion_code: str() })),
        // The API takes at most one item for now.
        items: arrayOf(obj({ id: str(), price: str(), quantity: int(0) }, ["id"]), 1),
        subscription: str(),
      },
      ["items", "subscription"],
    ),
    type: oneOf(...FLOW_TYPES),
  },
  ["type"],
);

export function checkFlowData(flow: ParsedObject): void {
  const type = readString(flow, "type") ?? "";
  for (const name of SUBSCRIPTION_FLOWS) {
    const given = readObject(flow, name) !== undefined;
    if (name === type && !given) throw parameterMissing(`flow_data[${name}]`);
    if (name !== type && given) {
      throw invalidRequest(
        `You passed flow_data[${name}] but flow_data[type] is ${type}. Only pass flow_data[${name}] when flow_data[type] is ${name}.`,
        `flow_data[${name}]`,
      );
    }
  }
  const after = readObject(flow, "after_completion");
  const afterType = readString(after, "type");
  for (const name of ["redirect", "hosted_confirmation"] as const) {
    const given = readObject(after, name) !== undefined;
    if (name === "redirect" && afterType === "redirect" && !given)
      throw parameterMissing("flow_data[after_completion][redirect]");
    if (given && afterType !== name) {
      throw invalidRequest(
        `You passed flow_data[after_completion][${name}] but flow_data[after_completion][type] is ${afterType}. Only pass it when the type is ${name}.`,
        `flow_data[after_completion][${name}]`,
      );
    }
  }
}

// A subscription flow must name a live subscription of the session's own
// customer; someone else's is reported exactly like one that does not exist.
export function checkFlowSubscription(store: Store, flow: ParsedObject, customerId: string): void {
  const type = readString(flow, "type") ?? "";
  if (!(SUBSCRIPTION_FLOWS as readonly string[]).includes(type)) return;
  const id = readString(readObject(flow, type), "subscription") ?? "";
  const param = `flow_data[${type}][subscription]`;
  const subscription = store.subscriptions.get(id);
  if (!subscription || subscription.customer !== customerId) throw resourceMissing("subscription", id, param, 400);
  if (subscription.status === "canceled")
    throw invalidRequest(`The subscription ${id} has already been canceled.`, param);
}

const text = (p: ParsedObject | undefined, key: string) => readString(p, key) ?? null;

function afterCompletion(after: ParsedObject | undefined): JsonObject {
  const type = readString(after, "type") ?? "portal_homepage";
  return {
    hosted_confirmation:
      type === "hosted_confirmation"
        ? { custom_message: text(readObject(after, "hosted_confirmation"), "custom_message") }
        : null,
    redirect: type === "redirect" ? { return_url: text(readObject(after, "redirect"), "return_url") } : null,
    type,
  };
}

function updateConfirm(p: ParsedObject): JsonObject {
  const objects = (key: string) =>
    (readArray(p, key) ?? []).filter(
      (v): v is ParsedObject => v !== null && typeof v === "object" && !Array.isArray(v),
    );
  const discounts = readArray(p, "discounts")
    ? objects("discounts").map((d) => ({ coupon: text(d, "coupon"), promotion_code: text(d, "promotion_code") }))
    : null;
  const items = objects("items").map((item) => {
    const quantity = readNumber(item, "quantity");
    return { id: text(item, "id"), price: text(item, "price"), ...(quantity !== undefined && { quantity }) };
  });
  return { discounts, items, subscription: text(p, "subscription") };
}

// The session's `flow`, with every member present as in Stripe's response.
export function renderFlow(flow: ParsedObject): JsonObject {
  const type = readString(flow, "type") ?? "";
  const part = (name: string) => (name === type ? readObject(flow, name) : undefined);
  const cancel = part("subscription_cancel");
  const retention = readObject(cancel, "retention");
  const confirm = part("subscription_update_confirm");
  const subscriptionOnly = (p: ParsedObject | undefined) => (p ? { subscription: text(p, "subscription") } : null);
  return {
    after_completion: afterCompletion(readObject(flow, "after_completion")),
    customer_update: type === "customer_update" ? {} : null,
    subscription_cancel: cancel
      ? {
          retention: retention
            ? {
                coupon_offer: { coupon: text(readObject(retention, "coupon_offer"), "coupon") },
                type: text(retention, "type"),
              }
            : null,
          subscription: text(cancel, "subscription"),
        }
      : null,
    subscription_pause: subscriptionOnly(part("subscription_pause")),
    subscription_update: subscriptionOnly(part("subscription_update")),
    subscription_update_confirm: confirm ? updateConfirm(confirm) : null,
    type,
  };
}
