// The fixed product catalog: three plans with one monthly USD price each, as a
// test account set up from the dashboard would have them. Read-only.
import type Stripe from "stripe";
import type { PriceObject, ProductObject, Wire } from "../state/types.ts";

// A fixed creation time keeps the catalog identical across restarts.
const CREATED = 1735689600;

const PLANS = [
  { product: "prod_starter", price: "price_starter_monthly", name: "Starter", amount: 1000 },
  { product: "prod_pro", price: "price_pro_monthly", name: "Pro", amount: 4900 },
  { product: "prod_business", price: "price_business_monthly", name: "Business", amount: 19900 },
] as const;

function product(plan: (typeof PLANS)[number]): ProductObject {
  return {
    id: plan.product,
    object: "product",
    active: true,
    created: CREATED,
    default_price: plan.price,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: plan.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: null,
    updated: CREATED,
    url: null,
  };
}

function price(plan: (typeof PLANS)[number]): PriceObject {
  return {
    id: plan.price,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: CREATED,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: plan.name,
    product: plan.product,
    recurring: { interval: "month", interval_count: 1, meter: null, trial_period_days: null, usage_type: "licensed" },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: plan.amount,
    unit_amount_decimal: String(plan.amount),
  };
}

const PRODUCTS = new Map<string, ProductObject>(PLANS.map((p) => [p.product, product(p)]));
const PRICES = new Map<string, PriceObject>(PLANS.map((p) => [p.price, price(p)]));

// Copies, so nothing that holds a price (an item, an event) can change the catalog.
const copy = <T>(value: T | undefined) => (value === undefined ? undefined : structuredClone(value));
export const findPrice = (id: string) => copy(PRICES.get(id));
// Cheapest first, the order a plan picker shows them in.
export const allPrices = (): PriceObject[] => [...PRICES.values()].map((p) => structuredClone(p));

// Subscription items still carry the legacy `plan` twin of their price.
export function planOf(p: PriceObject): Wire<Stripe.Plan> {
  return {
    id: p.id,
    object: "plan",
    active: p.active,
    amount: p.unit_amount,
    amount_decimal: p.unit_amount_decimal,
    billing_scheme: "per_unit",
    created: p.created,
    currency: p.currency,
    interval: p.recurring?.interval ?? "month",
    interval_count: p.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: p.nickname,
    product: p.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
}

export const planName = (priceId: string) => findPrice(priceId)?.nickname ?? priceId;

// Newest first, as Stripe lists them (here: the reverse of the plan order).
export const allProducts = (): ProductObject[] => [...PRODUCTS.values()].reverse().map((p) => structuredClone(p));
