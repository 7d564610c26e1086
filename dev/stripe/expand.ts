// `expand[]` for billing objects: stored objects hold ids, and a response
// swaps an id for the object it names when asked to. Copies only, so an
// expansion never leaks into state or into later events.
import { findProduct } from "./catalog.ts";
import { deletedCustomer } from "./objects.ts";
import type { Store } from "./store.ts";
import type { InvoiceObject, PaymentMethodObject, SubscriptionObject } from "./wire.ts";

export const SUBSCRIPTION_EXPANSIONS = [
  "customer",
  "default_payment_method",
  "latest_invoice",
  "items.data.price.product",
];
export const INVOICE_EXPANSIONS = ["customer", "default_payment_method"];
export const PAYMENT_METHOD_EXPANSIONS = ["customer"];

function customerObject(store: Store, id: string) {
  const entry = store.customers.get(id);
  if (!entry) return id;
  return entry.deleted ? deletedCustomer(id) : entry.customer;
}

const paymentMethod = (store: Store, id: string | null) => (id === null ? null : (store.paymentMethods.get(id) ?? id));

export function renderSubscription(store: Store, subscription: SubscriptionObject, expand: Set<string>) {
  const out = structuredClone(subscription);
  const items = out.items.data.map((item) => {
    if (!expand.has("items.data.price.product")) return item;
    const product = findProduct(item.price.product) ?? item.price.product;
    return { ...item, price: { ...item.price, product } };
  });
  return {
    ...out,
    items: { ...out.items, data: items },
    ...(expand.has("customer") && { customer: customerObject(store, out.customer) }),
    ...(expand.has("default_payment_method") && {
      default_payment_method: paymentMethod(store, out.default_payment_method),
    }),
    ...(expand.has("latest_invoice") && {
      latest_invoice:
        out.latest_invoice === null ? null : (store.invoices.get(out.latest_invoice) ?? out.latest_invoice),
    }),
  };
}

export function renderInvoice(store: Store, invoice: InvoiceObject, expand: Set<string>) {
  const out = structuredClone(invoice);
  const pm = typeof out.default_payment_method === "string" ? out.default_payment_method : null;
  return {
    ...out,
    ...(expand.has("customer") && { customer: customerObject(store, out.customer) }),
    ...(expand.has("default_payment_method") && { default_payment_method: paymentMethod(store, pm) }),
  };
}

export function renderPaymentMethod(store: Store, pm: PaymentMethodObject, expand: Set<string>) {
  const out = structuredClone(pm);
  return {
    ...out,
    ...(expand.has("customer") && out.customer !== null && { customer: customerObject(store, out.customer) }),
  };
}
