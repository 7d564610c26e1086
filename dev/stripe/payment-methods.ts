// GET /v1/payment_methods/:id. Cards are attached by the seed and the hosted portal.
import { resourceMissing } from "./errors.ts";
import { PAYMENT_METHOD_EXPANSIONS, renderPaymentMethod } from "./expand.ts";
import type { Route } from "./routes.ts";
import { expandParam, expansions, ok } from "./routes.ts";
import { obj } from "./schema.ts";

export const paymentMethodRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/payment_methods/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, PAYMENT_METHOD_EXPANSIONS),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const pm = ctx.store.paymentMethods.get(id);
      if (!pm) throw resourceMissing("PaymentMethod", id, "payment_method");
      return ok(renderPaymentMethod(ctx.store, pm, expansions(p, PAYMENT_METHOD_EXPANSIONS)));
    },
  },
];
