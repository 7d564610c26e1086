// /v1/subscriptions: list and retrieve. Subscriptions are made by the seed,
// the hosted portal and /__control/simulate, not through this API.
import { resourceMissing } from "./errors.ts";
import { SUBSCRIPTION_EXPANSIONS, renderSubscription } from "./expand.ts";
import type { Route } from "./routes.ts";
import { expandParam, expansions, listParams, ok, paginate } from "./routes.ts";
import { any, obj, oneOf, readString, str } from "./schema.ts";
import { matchesStatus } from "./subscription-object.ts";

const STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
];

export const subscriptionRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/subscriptions",
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
    check: (p) => void expansions(p, SUBSCRIPTION_EXPANSIONS, "data."),
    execute(p, ctx) {
      const customer = readString(p, "customer");
      const status = readString(p, "status");
      const price = readString(p, "price") ?? readString(p, "plan");
      const matching = [...ctx.store.subscriptions.values()]
        .filter((s) => (customer === undefined || s.customer === customer) && matchesStatus(s, status))
        .filter((s) => price === undefined || s.items.data.some((item) => item.price.id === price))
        .reverse();
      const list = paginate(matching, p, "/v1/subscriptions", "subscription");
      const expand = expansions(p, SUBSCRIPTION_EXPANSIONS, "data.");
      return ok({ ...list, data: list.data.map((s) => renderSubscription(ctx.store, s, expand)) });
    },
  },
  {
    method: "GET",
    pattern: "/v1/subscriptions/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, SUBSCRIPTION_EXPANSIONS),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const subscription = ctx.store.subscriptions.get(id);
      if (!subscription) throw resourceMissing("subscription", id, "id");
      return ok(renderSubscription(ctx.store, subscription, expansions(p, SUBSCRIPTION_EXPANSIONS)));
    },
  },
];
