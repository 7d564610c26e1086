// /v1/checkout/sessions: create (hosted, subscription mode), retrieve, list and expire
// (checkout.session.expired). Paying happens on the hosted page (hosted/checkout.ts).
import { allCheckouts, expireSession, findCheckout } from "../billing/checkout-sessions.ts";
import { findPrice, findProduct } from "../billing/catalog.ts";
import { newCheckoutSession } from "../objects/checkout-session.ts";
import { nowSeconds, randomId } from "../objects/ids.ts";
import type { CheckoutRecord, Store } from "../state/types.ts";
import { invalidRequest, resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import {
  any,
  obj,
  oneOf,
  readArray,
  readBool,
  readMetadata,
  readNumber,
  readObject,
  readString,
  str,
} from "../wire/schema.ts";
import { checkCreate, createParams } from "./checkout-params.ts";
import { renderSubscription } from "./subscriptions.ts";

const DAY_SECONDS = 24 * 60 * 60;
const SUBSCRIPTION_EXPANDABLE = ["customer", "default_payment_method", "latest_invoice"];
const EXPANDABLE = [
  "customer",
  "line_items",
  "subscription",
  ...SUBSCRIPTION_EXPANDABLE.map((path) => `subscription.${path}`),
];

function lineItems(store: Store, record: CheckoutRecord) {
  const data = record.lines.map((line) => {
    const price = findPrice(store, line.price);
    const amount = (price?.unit_amount ?? 0) * line.quantity;
    return {
      id: randomId("li_", 24),
      object: "item" as const,
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price?.currency ?? "usd",
      description: (price && findProduct(store, price.product)?.name) ?? null,
      metadata: {},
      price: price ?? null,
      quantity: line.quantity,
    };
  });
  return { object: "list", data, has_more: false, url: `/v1/checkout/sessions/${record.session.id}/line_items` };
}

// Expanding `subscription.latest_invoice` expands `subscription` too, as at Stripe.
function render(store: Store, record: CheckoutRecord, expand: Set<string>) {
  const out: Record<string, unknown> = structuredClone(record.session);
  const { customer, subscription } = record.session;
  const entry = customer ? store.customers.get(customer) : undefined;
  if (expand.has("customer") && entry) out.customer = structuredClone(entry.customer);
  const nested = new Set([...expand].filter((p) => p.startsWith("subscription.")).map((p) => p.slice(13)));
  const sub = subscription ? store.subscriptions.get(subscription) : undefined;
  if ((expand.has("subscription") || nested.size > 0) && sub) out.subscription = renderSubscription(store, sub, nested);
  if (expand.has("line_items")) out.line_items = lineItems(store, record);
  return out;
}

function create(p: ParsedObject, ctx: RouteContext) {
  const now = nowSeconds();
  const lines = ((readArray(p, "line_items") ?? []) as ParsedObject[]).map((line) => ({
    price: readString(line, "price") ?? "",
    quantity: readNumber(line, "quantity") ?? 1,
  }));
  const prices = lines.map((line) => ({ line, price: ctx.store.prices.get(line.price) }));
  const subtotal = prices.reduce((sum, { line, price }) => sum + (price?.unit_amount ?? 0) * line.quantity, 0);
  const sub = readObject(p, "subscription_data");
  const trialDays = readNumber(sub, "trial_period_days") ?? null;
  const taxIds = readObject(p, "tax_id_collection");
  const session = newCheckoutSession({
    baseUrl: ctx.store.baseUrl,
    created: now,
    expiresAt: readNumber(p, "expires_at") ?? now + DAY_SECONDS,
    mode: "subscription",
    customer: readString(p, "customer") ?? null,
    customerEmail: readString(p, "customer_email") ?? null,
    clientReferenceId: readString(p, "client_reference_id") ?? null,
    successUrl: readString(p, "success_url") ?? "",
    cancelUrl: readString(p, "cancel_url") ?? null,
    metadata: readMetadata(p),
    currency: prices[0]?.price?.currency ?? "usd",
    // A trial charges nothing today.
    amountSubtotal: trialDays ? 0 : subtotal,
    amountTotal: trialDays ? 0 : subtotal,
    allowPromotionCodes: readBool(p, "allow_promotion_codes") ?? null,
    automaticTax: readBool(readObject(p, "automatic_tax"), "enabled") ?? false,
    taxIdCollection: taxIds
      ? {
          enabled: readBool(taxIds, "enabled") ?? false,
          required: (readString(taxIds, "required") as "if_supported" | "never" | undefined) ?? "never",
        }
      : null,
    billingAddressCollection: (readString(p, "billing_address_collection") as "auto" | "required" | undefined) ?? null,
    locale: readString(p, "locale") ?? null,
    paymentMethodCollection: (readString(p, "payment_method_collection") as "always" | "if_required") ?? "always",
  });
  const record: CheckoutRecord = {
    session,
    lines,
    subscriptionData: {
      metadata: readMetadata(sub),
      trialDays,
      description: readString(sub, "description") ?? null,
    },
    params: structuredClone(p),
    declines: 0,
  };
  ctx.store.checkoutSessions.set(session.id, record);
  return ok(render(ctx.store, record, expansions(p, EXPANDABLE)));
}

const find = (ctx: RouteContext) => {
  const id = ctx.pathParams.id ?? "";
  const record = findCheckout(ctx.store, id);
  if (!record) throw resourceMissing("checkout.session", id, "session");
  return record;
};

export const checkoutSessionRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/checkout/sessions",
    schema: createParams,
    check(p, ctx) {
      checkCreate(p, ctx.store, nowSeconds());
      expansions(p, EXPANDABLE);
    },
    execute: create,
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions",
    schema: obj({
      created: any(),
      customer: str(),
      customer_account: str(),
      customer_details: obj({ email: str() }, ["email"]),
      payment_intent: str(),
      payment_link: str(),
      status: oneOf("complete", "expired", "open"),
      subscription: str(),
      ...listParams,
    }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const customer = readString(p, "customer");
      const status = readString(p, "status");
      const subscription = readString(p, "subscription");
      const email = readString(readObject(p, "customer_details"), "email");
      const matching = allCheckouts(ctx.store).filter(
        ({ session: s }) =>
          (customer === undefined || s.customer === customer) &&
          (status === undefined || s.status === status) &&
          (subscription === undefined || s.subscription === subscription) &&
          (email === undefined || s.customer_details?.email === email) &&
          readString(p, "payment_intent") === undefined &&
          readString(p, "payment_link") === undefined,
      );
      const list = paginate(
        matching.map((record) => ({ id: record.session.id, record })),
        p,
        "/v1/checkout/sessions",
        "checkout.session",
      );
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map(({ record }) => render(ctx.store, record, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute: (p, ctx) => ok(render(ctx.store, find(ctx), expansions(p, EXPANDABLE))),
  },
  {
    method: "POST",
    path: "/v1/checkout/sessions/:id/expire",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const record = find(ctx);
      const { status } = record.session;
      if (status !== "open")
        throw invalidRequest(
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${status}\`.`,
        );
      expireSession(ctx.store, record, ctx.request);
      return ok(render(ctx.store, record, expansions(p, EXPANDABLE)));
    },
  },
];
