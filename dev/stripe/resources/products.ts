// /v1/products: list, retrieve and create (product.created; with default_price_data also the
// price and its price.created). The plan catalog the app lists, the names billing:sync reads,
// and what the test-mode setup script makes.
import { allProducts, findPrice, findProduct } from "../billing/catalog.ts";
import { newProduct } from "../objects/catalog.ts";
import type { ProductObject, Store } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { alreadyExists, resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { any, arrayOf, bool, metadata, obj, oneOf, str } from "../wire/schema.ts";
import { readArray, readBool, readMetadata, readObject, readString } from "../wire/schema.ts";
import { checkPriceParams, createPrice, priceFields } from "./prices.ts";

const EXPANDABLE = ["default_price"];

// What Stripe takes in default_price_data: a price without its product, key or nickname.
const DEFAULT_PRICE_KEYS = ["currency", "currency_options", "custom_unit_amount", "metadata", "recurring"];
const defaultPriceFields = Object.fromEntries(
  Object.entries(priceFields).filter(([key]) =>
    [...DEFAULT_PRICE_KEYS, "tax_behavior", "unit_amount", "unit_amount_decimal"].includes(key),
  ),
);

const createParams = obj(
  {
    active: bool(),
    default_price_data: obj(defaultPriceFields, ["currency"]),
    description: str(),
    id: str(),
    images: arrayOf(str(), 8),
    marketing_features: arrayOf(obj({ name: str() }, ["name"]), 15),
    metadata: metadata(),
    name: str(),
    package_dimensions: any(),
    shippable: bool(),
    statement_descriptor: str(),
    tax_code: str(),
    tax_details: any(),
    type: oneOf("good", "service"),
    unit_label: str(),
    url: str(),
    ...expandParam,
  },
  ["name"],
);

function render(store: Store, product: ProductObject, expand: Set<string>) {
  const price = expand.has("default_price") && product.default_price ? findPrice(store, product.default_price) : null;
  return price ? { ...product, default_price: price } : product;
}

function create(p: ParsedObject, ctx: RouteContext) {
  const id = readString(p, "id");
  if (id !== undefined && ctx.store.products.has(id)) throw alreadyExists("Product", "id");
  const text = (key: string) => readString(p, key) ?? null;
  const features = (readArray(p, "marketing_features") ?? []) as ParsedObject[];
  const product = newProduct({
    ...(id !== undefined && { id }),
    name: readString(p, "name") ?? "",
    active: readBool(p, "active") ?? true,
    description: text("description"),
    images: (readArray(p, "images") ?? []).filter((i) => typeof i === "string"),
    marketing_features: features.map((f) => ({ name: readString(f, "name") ?? "" })),
    metadata: readMetadata(p),
    shippable: readBool(p, "shippable") ?? null,
    statement_descriptor: text("statement_descriptor"),
    tax_code: text("tax_code"),
    type: (readString(p, "type") as "good" | "service" | undefined) ?? "service",
    unit_label: text("unit_label"),
    url: text("url"),
  });
  ctx.store.products.set(product.id, product);
  emit(ctx.store, "product.created", product, { request: ctx.request });
  const priceData = readObject(p, "default_price_data");
  if (priceData) {
    // Stripe makes the price, then points the product at it.
    const price = createPrice({ ...priceData, product: product.id }, ctx);
    product.default_price = price.id;
  }
  return ok(render(ctx.store, product, expansions(p, EXPANDABLE)));
}

export const productRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/products",
    schema: obj({ active: bool(), created: any(), ids: arrayOf(str()), shippable: bool(), url: str(), ...listParams }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const ids = readArray(p, "ids");
      const active = readBool(p, "active");
      const matching = allProducts(ctx.store).filter(
        (product) =>
          (ids === undefined || ids.includes(product.id)) && (active === undefined || product.active === active),
      );
      const list = paginate(matching, p, "/v1/products", "product");
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map((product) => render(ctx.store, product, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/products/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const product = findProduct(ctx.store, id);
      if (!product) throw resourceMissing("product", id, "id");
      return ok(render(ctx.store, product, expansions(p, EXPANDABLE)));
    },
  },
  {
    method: "POST",
    path: "/v1/products",
    schema: createParams,
    check(p) {
      const priceData = readObject(p, "default_price_data");
      if (priceData) checkPriceParams(priceData, "default_price_data");
      expansions(p, EXPANDABLE);
    },
    execute: create,
  },
];
