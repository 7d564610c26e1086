// GET /v1/subscriptions and /v1/subscriptions/:id. Subscriptions are made by the seed, the
// hosted portal and /__control/simulate, not through this API.
import { matchesStatus } from "../objects/subscription.ts";
import type { Store, SubscriptionObject } from "../state/types.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import { any, obj, oneOf, readString, str } from "../wire/schema.ts";

const STATUSES = "active all canceled ended incomplete incomplete_expired past_due paused trialing unpaid".split(" ");

// A subscription item's price is always a whole object at Stripe (the SDK types it `Price`), so
// what expands below it is its product: `items.data.price.product`, four levels on a retrieve and
// five, one too many, on a list.
const EXPANDABLE = ["customer", "default_payment_method", "latest_invoice", "items.data.price.product"];

export function renderSubscription(store: Store, subscription: SubscriptionObject, expand: Set<string>) {
  const out = structuredClone(subscription);
  const customer = store.customers.get(out.customer);
  const pm = out.default_payment_method;
  const invoice = out.latest_invoice;
  return {
    ...out,
    ...(expand.has("customer") && customer && !customer.deleted && { customer: structuredClone(customer.customer) }),
    ...(expand.has("default_payment_method") && pm && { default_payment_method: store.paymentMethods.get(pm) ?? pm }),
    ...(expand.has("latest_invoice") && invoice && { latest_invoice: store.invoices.get(invoice) ?? invoice }),
  };
}

export const subscriptionRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/subscriptions",
    schema: obj({
      automatic_tax: any(),
      collection_method: oneOf("charge_automatically", "send_invoice"),
      created: any(),
      current_period_end: any(),
      current_period_start: any(),
      customer: str(),
      customer_account: str(),
      plan: str(),
      price: str(),
      status: oneOf(...STATUSES),
      test_clock: str(),
      ...listParams,
    }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const customer = readString(p, "customer");
      const status = readString(p, "status");
      const price = readString(p, "price") ?? readString(p, "plan");
      const matching = [...ctx.store.subscriptions.values()]
        .filter((s) => (customer === undefined || s.customer === customer) && matchesStatus(s, status))
        .filter((s) => price === undefined || s.items.data.some((item) => item.price.id === price))
        .reverse();
      const list = paginate(matching, p, "/v1/subscriptions", "subscription");
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map((s) => renderSubscription(ctx.store, s, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/subscriptions/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const subscription = ctx.store.subscriptions.get(id);
      if (!subscription) throw resourceMissing("subscription", id, "id");
      return ok(renderSubscription(ctx.store, subscription, expansions(p, EXPANDABLE)));
    },
  },
];
