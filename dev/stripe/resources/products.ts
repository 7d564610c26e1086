// GET /v1/products over the fixed catalog; `ids` is how a caller resolves the product names
// behind several prices in one call.
import { allProducts, findPrice } from "../objects/catalog.ts";
import { expansions } from "../wire/expand.ts";
import { listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import { any, arrayOf, bool, obj, readArray, readBool, str } from "../wire/schema.ts";

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
];
