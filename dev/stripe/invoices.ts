// /v1/invoices: list and retrieve the invoices subscriptions produced.
import { resourceMissing } from "./errors.ts";
import { INVOICE_EXPANSIONS, renderInvoice } from "./expand.ts";
import type { Route } from "./routes.ts";
import { expandParam, expansions, listParams, ok, paginate } from "./routes.ts";
import { any, obj, oneOf, readString, str } from "./schema.ts";

export const invoiceRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/invoices",
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
    check: (p) => void expansions(p, INVOICE_EXPANSIONS, "data."),
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
      const expand = expansions(p, INVOICE_EXPANSIONS, "data.");
      return ok({ ...list, data: list.data.map((i) => renderInvoice(ctx.store, i, expand)) });
    },
  },
  {
    method: "GET",
    pattern: "/v1/invoices/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, INVOICE_EXPANSIONS),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const invoice = ctx.store.invoices.get(id);
      if (!invoice) throw resourceMissing("invoice", id, "id");
      return ok(renderInvoice(ctx.store, invoice, expansions(p, INVOICE_EXPANSIONS)));
    },
  },
];
