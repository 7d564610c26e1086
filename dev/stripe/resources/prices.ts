// /v1/prices: list, retrieve and create (price.created). Per-unit prices with a fixed amount,
// one-time or recurring: what a plan is. Tiers, custom amounts and the like are refused as
// unsupported here, not silently ignored.
import { allPrices, findPrice, findProduct } from "../billing/catalog.ts";
import { newPrice, newProduct } from "../objects/catalog.ts";
import type { PriceObject, Store } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { invalidRequest, notInStandIn, onlyOneOf, parameterMissing, resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject, Schema } from "../wire/schema.ts";
import { any, arrayOf, bool, int, metadata, obj, oneOf, str } from "../wire/schema.ts";
import { readArray, readBool, readMetadata, readNumber, readObject, readString } from "../wire/schema.ts";

const EXPANDABLE = ["product"];
const INTERVALS = ["day", "week", "month", "year"] as const;
type Interval = (typeof INTERVALS)[number];
// Stripe's longest billing period is one year.
const MAX_COUNT: Record<Interval, number> = { day: 365, week: 52, month: 12, year: 1 };

// Shared with products.create's default_price_data, which takes the same minus the product.
export const priceFields: Record<string, Schema> = {
  active: bool(),
  billing_scheme: oneOf("per_unit", "tiered"),
  currency: str(),
  currency_options: any(),
  custom_unit_amount: any(),
  lookup_key: str(),
  metadata: metadata(),
  nickname: str(),
  product: str(),
  product_data: obj(
    {
      active: bool(),
      id: str(),
      metadata: metadata(),
      name: str(),
      statement_descriptor: str(),
      tax_code: str(),
      tax_details: any(),
      unit_label: str(),
    },
    ["name"],
  ),
  recurring: obj(
    {
      interval: oneOf(...INTERVALS),
      interval_count: int(1),
      meter: str(),
      trial_period_days: int(1, 730),
      usage_type: oneOf("licensed", "metered"),
    },
    ["interval"],
  ),
  tax_behavior: oneOf("exclusive", "inclusive", "unspecified"),
  tiers: any(),
  tiers_mode: oneOf("graduated", "volume"),
  transfer_lookup_key: bool(),
  transform_quantity: any(),
  unit_amount: int(0),
  unit_amount_decimal: str(),
};

const UNSUPPORTED = ["currency_options", "custom_unit_amount", "tiers", "tiers_mode", "transform_quantity"];

/** Refusals that need no state; `at` prefixes the parameter names (default_price_data). */
export function checkPriceParams(p: ParsedObject, at?: string): void {
  const name = (key: string) => (at ? `${at}[${key}]` : key);
  for (const key of UNSUPPORTED) if (key in p) throw notInStandIn(name(key));
  if (readString(p, "billing_scheme") === "tiered") throw notInStandIn(name("billing_scheme"), "tiered prices");
  if ("unit_amount_decimal" in p) throw notInStandIn(name("unit_amount_decimal"), "decimal amounts");
  if (!at && "product" in p && "product_data" in p) throw onlyOneOf("product", "product_data");
  if (!at && !("product" in p) && !("product_data" in p)) throw parameterMissing("product");
  if (readNumber(p, "unit_amount") === undefined) throw parameterMissing(name("unit_amount"));
  const currency = readString(p, "currency") ?? "";
  if (!/^[a-zA-Z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, name("currency"));
  const recurring = readObject(p, "recurring");
  if (!recurring) return;
  if (readString(recurring, "usage_type") === "metered" || "meter" in recurring)
    throw notInStandIn(name("recurring[usage_type]"), "metered prices");
  const interval = readString(recurring, "interval") as Interval;
  const count = readNumber(recurring, "interval_count") ?? 1;
  if (count > MAX_COUNT[interval])
    throw invalidRequest(
      "Invalid recurring[interval_count]: the maximum billing period is 1 year (1 year, 12 months, 52 weeks or 365 days).",
      name("recurring[interval_count]"),
    );
}

function priceProduct(p: ParsedObject, ctx: RouteContext): string {
  const id = readString(p, "product");
  if (id !== undefined) {
    if (!ctx.store.products.has(id)) throw resourceMissing("product", id, "product", 400);
    return id;
  }
  // product_data: Stripe makes the product first (product.created), then the price.
  const data = readObject(p, "product_data") ?? {};
  const product = newProduct({
    ...(readString(data, "id") !== undefined && { id: readString(data, "id") }),
    name: readString(data, "name") ?? "",
    active: readBool(data, "active") ?? true,
    metadata: readMetadata(data),
  });
  ctx.store.products.set(product.id, product);
  emit(ctx.store, "product.created", product, { request: ctx.request });
  return product.id;
}

// A lookup key names one price: transfer_lookup_key moves it, which updates the price that had it.
function claimLookupKey(store: Store, p: ParsedObject, ctx: RouteContext): string | null {
  const key = readString(p, "lookup_key");
  if (key === undefined) return null;
  const holder = [...store.prices.values()].find((price) => price.lookup_key === key);
  if (!holder) return key;
  if (!readBool(p, "transfer_lookup_key"))
    throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, "lookup_key");
  const before = structuredClone(holder);
  holder.lookup_key = null;
  emit(store, "price.updated", holder, { before, request: ctx.request });
  return key;
}

/** Makes the price (and a product_data product), with their events; the parameters are checked. */
export function createPrice(p: ParsedObject, ctx: RouteContext): PriceObject {
  const product = priceProduct(p, ctx);
  const recurring = readObject(p, "recurring");
  const price = newPrice({
    product,
    currency: (readString(p, "currency") ?? "").toLowerCase(),
    unit_amount: readNumber(p, "unit_amount") ?? 0,
    active: readBool(p, "active") ?? true,
    lookup_key: claimLookupKey(ctx.store, p, ctx),
    metadata: readMetadata(p),
    nickname: readString(p, "nickname") ?? null,
    tax_behavior: (readString(p, "tax_behavior") as PriceObject["tax_behavior"]) ?? "unspecified",
    recurring: recurring
      ? {
          interval: readString(recurring, "interval") as Interval,
          interval_count: readNumber(recurring, "interval_count") ?? 1,
          meter: null,
          trial_period_days: readNumber(recurring, "trial_period_days") ?? null,
          usage_type: "licensed",
        }
      : null,
  });
  ctx.store.prices.set(price.id, price);
  emit(ctx.store, "price.created", price, { request: ctx.request });
  return price;
}

const withProduct = (store: Store, price: PriceObject, expand: Set<string>) =>
  expand.has("product") ? { ...price, product: findProduct(store, price.product) ?? price.product } : price;

export const priceRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/prices",
    schema: obj({
      active: bool(),
      created: any(),
      currency: str(),
      lookup_keys: arrayOf(str(), 10),
      product: str(),
      recurring: obj({ interval: oneOf(...INTERVALS), meter: str(), usage_type: oneOf("licensed", "metered") }),
      type: oneOf("one_time", "recurring"),
      ...listParams,
    }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const active = readBool(p, "active");
      const product = readString(p, "product");
      const type = readString(p, "type");
      const currency = readString(p, "currency");
      const lookupKeys = readArray(p, "lookup_keys");
      const interval = readString(readObject(p, "recurring"), "interval");
      const matching = allPrices(ctx.store).filter(
        (price) =>
          (active === undefined || price.active === active) &&
          (product === undefined || price.product === product) &&
          (type === undefined || price.type === type) &&
          (currency === undefined || price.currency === currency) &&
          (interval === undefined || price.recurring?.interval === interval) &&
          (lookupKeys === undefined || lookupKeys.includes(price.lookup_key)),
      );
      const list = paginate(matching, p, "/v1/prices", "price");
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map((price) => withProduct(ctx.store, price, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/prices/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const price = findPrice(ctx.store, id);
      if (!price) throw resourceMissing("price", id, "price");
      return ok(withProduct(ctx.store, price, expansions(p, EXPANDABLE)));
    },
  },
  {
    method: "POST",
    path: "/v1/prices",
    schema: obj({ ...priceFields, ...expandParam }, ["currency"]),
    check(p) {
      checkPriceParams(p);
      expansions(p, EXPANDABLE);
    },
    execute: (p, ctx) => ok(withProduct(ctx.store, createPrice(p, ctx), expansions(p, EXPANDABLE))),
  },
];
