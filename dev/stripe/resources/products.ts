// /v1/products and /v1/prices over the fixed catalog: the plan catalog the app lists (prices with
// their products), what it reads again after an event, and product names by id for billing:sync.
import { allPrices, allProducts, findPrice, findProduct } from "../objects/catalog.ts";
import type { PriceObject } from "../state/types.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import { any, arrayOf, bool, obj, oneOf, readArray, readBool, readString, str } from "../wire/schema.ts";

const PRICE_EXPANSIONS = ["product"];

const withProduct = (price: PriceObject, expand: Set<string>) =>
  expand.has("product") ? { ...price, product: findProduct(price.product) ?? price.product } : price;

export const productRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/products",
    schema: obj({ active: bool(), created: any(), ids: arrayOf(str()), shippable: bool(), url: str(), ...listParams }),
    check: (p) => void expansions(p, ["default_price"], true),
    execute(p) {
      const ids = readArray(p, "ids");
      const active = readBool(p, "active");
      const matching = allProducts().filter(
        (product) =>
          (ids === undefined || ids.includes(product.id)) && (active === undefined || product.active === active),
      );
      const list = paginate(matching, p, "/v1/products", "product");
      const withPrice = expansions(p, ["default_price"], true).has("default_price");
      const data = list.data.map((product) =>
        withPrice && product.default_price
          ? { ...product, default_price: findPrice(product.default_price) ?? null }
          : product,
      );
      return ok({ ...list, data });
    },
  },
  {
    method: "GET",
    path: "/v1/products/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, ["default_price"]),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const product = findProduct(id);
      if (!product) throw resourceMissing("product", id, "id");
      const withPrice = expansions(p, ["default_price"]).has("default_price") && product.default_price;
      return ok(withPrice ? { ...product, default_price: findPrice(withPrice) ?? null } : product);
    },
  },
  {
    method: "GET",
    path: "/v1/prices",
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
    check: (p) => void expansions(p, PRICE_EXPANSIONS, true),
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
      const expand = expansions(p, PRICE_EXPANSIONS, true);
      return ok({ ...list, data: list.data.map((price) => withProduct(price, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/prices/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, PRICE_EXPANSIONS),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const price = findPrice(id);
      if (!price) throw resourceMissing("price", id, "price");
      return ok(withProduct(price, expansions(p, PRICE_EXPANSIONS)));
    },
  },
];
