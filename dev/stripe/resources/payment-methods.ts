// GET /v1/payment_methods/:id. Cards are attached by the seed and the hosted portal.
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import { obj } from "../wire/schema.ts";

export const paymentMethodRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/payment_methods/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, ["customer"]),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const pm = ctx.store.paymentMethods.get(id);
      if (!pm) throw resourceMissing("PaymentMethod", id, "payment_method");
      const customer = pm.customer === null ? undefined : ctx.store.customers.get(pm.customer);
      const expand = expansions(p, ["customer"]).has("customer") && customer && !customer.deleted;
      return ok(expand ? { ...structuredClone(pm), customer: structuredClone(customer.customer) } : pm);
    },
  },
];
