// /v1/products/:id, /v1/prices/:id and /v1/prices over the fixed catalog.
import { allPrices, findPrice, findProduct } from "./catalog.ts";
import { resourceMissing } from "./errors.ts";
import type { Route } from "./routes.ts";
import { expandParam, expansions, listParams, ok, paginate } from "./routes.ts";
import { any, arrayOf, bool, obj, oneOf, readArray, readBool, readString, str } from "./schema.ts";
import type { PriceObject } from "./wire.ts";

const withProduct = (price: PriceObject, expand: Set<string>) =>
  expand.has("product") ? { ...price, product: findProduct(price.product) ?? price.product } : price;

export const catalogRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/products/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, ["default_price"]),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const product = findProduct(id);
      if (!product) throw resourceMissing("product", id, "id");
      const expand = expansions(p, ["default_price"]);
      return ok(
        expand.has("default_price") && product.default_price
          ? { ...product, default_price: findPrice(product.default_price) ?? null }
          : product,
      );
    },
  },
  {
    method: "GET",
    pattern: "/v1/prices/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, ["product", "tiers"]),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const price = findPrice(id);
      if (!price) throw resourceMissing("price", id, "price");
      return ok(withProduct(price, expansions(p, ["product", "tiers"])));
    },
  },
  {
    method: "GET",
    pattern: "/v1/prices",
    schema: obj({
      active: bool(),
      created: any(),
      currency: str(),
      lookup_keys: arrayOf(str()),
      product: str(),
      recurring: any(),
      type: oneOf("one_time", "recurring"),
      ...listParams,
    }),
    check: (p) => void expansions(p, ["product", "tiers"], "data."),
    execute(p) {
      const active = readBool(p, "active");
      const product = readString(p, "product");
      const type = readString(p, "type");
      const currency = readString(p, "currency");
      const lookupKeys = readArray(p, "lookup_keys");
      const matching = allPrices().filter(
        (price) =>
          (active === undefined || price.active === active) &&
          (product === undefined || price.product === product) &&
          (type === undefined || price.type === type) &&
          (currency === undefined || price.currency === currency) &&
          (lookupKeys === undefined || lookupKeys.includes(price.lookup_key)),
      );
      const list = paginate(matching, p, "/v1/prices", "price");
      const expand = expansions(p, ["product", "tiers"], "data.");
      return ok({ ...list, data: list.data.map((price) => withProduct(price, expand)) });
    },
  },
];
