// GET /v1/invoices (newest first) and /v1/invoices/:id: the invoices subscriptions produced.
import type { InvoiceObject, Store } from "../state/types.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import { any, obj, oneOf, readString, str } from "../wire/schema.ts";

const EXPANDABLE = ["customer", "default_payment_method"];

function render(store: Store, invoice: InvoiceObject, expand: Set<string>) {
  const out = structuredClone(invoice);
  const customer = store.customers.get(out.customer);
  const pm = typeof out.default_payment_method === "string" ? out.default_payment_method : null;
  return {
    ...out,
    ...(expand.has("customer") && customer && !customer.deleted && { customer: structuredClone(customer.customer) }),
    ...(expand.has("default_payment_method") && pm && { default_payment_method: store.paymentMethods.get(pm) ?? pm }),
  };
}

export const invoiceRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/invoices",
    schema: obj({
      collection_method: oneOf("charge_automatically", "send_invoice"),
      created: any(),
      customer: str(),
      customer_account: str(),
      due_date: any(),
      status: oneOf("draft", "open", "paid", "uncollectible", "void"),
      subscription: str(),
      ...listParams,
    }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const customer = readString(p, "customer");
      const subscription = readString(p, "subscription");
      const status = readString(p, "status");
      const matching = [...ctx.store.invoices.values()]
        .filter((i) => customer === undefined || i.customer === customer)
        .filter((i) => subscription === undefined || i.parent.subscription_details.subscription === subscription)
        .filter((i) => status === undefined || i.status === status)
        // Newest first; invoices made in the same second keep their creation order reversed.
        .reverse()
        .sort((a, b) => b.created - a.created);
      const list = paginate(matching, p, "/v1/invoices", "invoice");
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map((i) => render(ctx.store, i, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/invoices/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const invoice = ctx.store.invoices.get(id);
      if (!invoice) throw resourceMissing("invoice", id, "id");
      return ok(render(ctx.store, invoice, expansions(p, EXPANDABLE)));
    },
  },
];
