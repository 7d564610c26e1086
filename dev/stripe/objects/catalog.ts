// The fixed product catalog: three plans with one monthly USD price each, as a test account set
// up from the dashboard would have them, and an archived legacy plan whose price has no nickname
// (so its name is the product's). Read-only.
import type Stripe from "stripe";
import type { PriceObject, ProductObject, Wire } from "../state/types.ts";

// A fixed creation time keeps the catalog identical across restarts.
const CREATED = 1735689600;

type Plan = { product: string; price: string; name: string; amount: number; legacy?: boolean };

const PLANS: Plan[] = [
  { product: "prod_starter", price: "price_starter_monthly", name: "Starter", amount: 1000 },
  { product: "prod_pro", price: "price_pro_monthly", name: "Pro", amount: 4900 },
  { product: "prod_business", price: "price_business_monthly", name: "Business", amount: 19900 },
  {
    product: "prod_team_legacy",
    price: "price_team_legacy_monthly",
    name: "Team (legacy)",
    amount: 2900,
    legacy: true,
  },
];

function product(plan: Plan): ProductObject {
  return {
    id: plan.product,
    object: "product",
    active: !plan.legacy,
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

function price(plan: Plan): PriceObject {
  return {
    id: plan.price,
    object: "price",
    active: !plan.legacy,
    billing_scheme: "per_unit",
    created: CREATED,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: plan.legacy ? null : plan.name,
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
export const findProduct = (id: string) => copy(PRODUCTS.get(id));
// Every price, the archived one too, in the plans' order.
export const allPrices = (): PriceObject[] => [...PRICES.values()].map((p) => structuredClone(p));
// The prices on offer, cheapest first, the order a plan picker shows them in.
export const activePrices = (): PriceObject[] =>
  [...PRICES.values()].filter((p) => p.active).map((p) => structuredClone(p));

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

// What Stripe's pages call a price: its nickname, else its product's name.
export function planName(priceId: string): string {
  const price = PRICES.get(priceId);
  return price?.nickname ?? (price && PRODUCTS.get(price.product)?.name) ?? priceId;
}

// Newest first, as Stripe lists them (here: the reverse of the plan order).
export const allProducts = (): ProductObject[] => [...PRODUCTS.values()].reverse().map((p) => structuredClone(p));
