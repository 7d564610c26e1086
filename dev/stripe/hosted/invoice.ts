// The hosted invoice page every invoice's `hosted_invoice_url` points at.
import { countCall } from "../state/store.ts";
import type { Store } from "../state/types.ts";
import type { StandInApp } from "../wire/api.ts";
import type { Page } from "./html.ts";
import { escape, formatDate, formatMoney, htmlResponse, layout } from "./html.ts";

// Views are counted, but not as API calls.
export const INVOICE_VIEW_KEY = "GET /i";

export function mountInvoicePage(app: StandInApp, store: Store): void {
  app.get("/i/:id", (c) => {
    countCall(store, INVOICE_VIEW_KEY, false);
    return htmlResponse(invoicePage(store, c.req.param("id")));
  });
}

function invoicePage(store: Store, id: string): Page {
  const invoice = store.invoices.get(id);
  if (!invoice) {
    return {
      status: 404,
      html: layout(
        "Invoice not found",
        `<h1>Invoice not found</h1><p data-testid="invoice-not-found">There is no invoice ${escape(id)}.</p>`,
      ),
    };
  }
  const lines = invoice.lines.data
    .map(
      (line) =>
        `<tr><td>${escape(line.description ?? "")}</td><td>${formatDate(line.period.start)} – ${formatDate(line.period.end)}</td><td>${formatMoney(line.amount)}</td></tr>`,
    )
    .join("\n");
  const paid = invoice.status_transitions.paid_at;
  const body = `
<h1>Invoice <span data-testid="invoice-number">${escape(invoice.number)}</span></h1>
<dl>
<dt>Billed to</dt><dd data-testid="invoice-customer">${escape(invoice.customer_name ?? invoice.customer)}</dd>
<dt>Date</dt><dd>${formatDate(invoice.created)}</dd>
<dt>Status</dt><dd data-testid="invoice-status">${escape(invoice.status)}${paid ? ` on ${formatDate(paid)}` : ""}</dd>
<dt>Amount due</dt><dd data-testid="invoice-amount-due">${formatMoney(invoice.amount_due)}</dd>
<dt>Amount paid</dt><dd data-testid="invoice-amount-paid">${formatMoney(invoice.amount_paid)}</dd>
</dl>
<table><thead><tr><th>Description</th><th>Period</th><th>Amount</th></tr></thead><tbody>
${lines}
</tbody></table>`;
  return { status: 200, html: layout(`Invoice ${invoice.number}`, body) };
}
