// Products and prices: the builders, and the catalog every store starts with (three plans with
// one monthly USD price each, as a test account set up from the dashboard would have them, and
// an archived legacy plan whose price has no nickname, so its name is the product's).
import type Stripe from "stripe";
import type { PriceObject, ProductObject, Wire } from "../state/types.ts";
import { nowSeconds, randomId } from "./ids.ts";

// A fixed creation time keeps the seed catalog identical across restarts.
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

export type ProductSpec = Partial<Omit<ProductObject, "id" | "object" | "livemode">> & { id?: string; name: string };

export function newProduct(spec: ProductSpec): ProductObject {
  const created = spec.created ?? nowSeconds();
  return {
    object: "product",
    active: true,
    created,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: null,
    updated: created,
    url: null,
    ...spec,
    id: spec.id ?? randomId("prod_", 14),
  };
}

export type PriceSpec = Partial<Omit<PriceObject, "id" | "object" | "livemode">> & {
  id?: string;
  product: string;
  currency: string;
  unit_amount: number;
};

export function newPrice(spec: PriceSpec): PriceObject {
  return {
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: nowSeconds(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    recurring: null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: spec.recurring ? "recurring" : "one_time",
    unit_amount_decimal: String(spec.unit_amount),
    ...spec,
    id: spec.id ?? randomId("price_", 24),
  };
}

export const recurring = (interval: "day" | "week" | "month" | "year" = "month", count = 1) => ({
  interval,
  interval_count: count,
  meter: null,
  trial_period_days: null,
  usage_type: "licensed" as const,
});

/** The catalog a fresh store holds, in the plans' order; fresh copies each time. */
export function seedCatalog(): { products: Map<string, ProductObject>; prices: Map<string, PriceObject> } {
  const products = new Map<string, ProductObject>();
  const prices = new Map<string, PriceObject>();
  for (const plan of PLANS) {
    const active = !plan.legacy;
    products.set(
      plan.product,
      newProduct({ id: plan.product, name: plan.name, active, created: CREATED, default_price: plan.price }),
    );
    prices.set(
      plan.price,
      newPrice({
        id: plan.price,
        product: plan.product,
        currency: "usd",
        unit_amount: plan.amount,
        active,
        created: CREATED,
        nickname: plan.legacy ? null : plan.name,
        recurring: recurring(),
      }),
    );
  }
  return { products, prices };
}

/** For validating control bodies, which know no store: the seed catalog's price ids. */
export const isSeedPrice = (id: string) => PLANS.some((p) => p.price === id);

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
