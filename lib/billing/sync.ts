import "server-only";
import Stripe from "stripe";
import { db, transaction } from "@/lib/db";
import { stripe } from "@/lib/stripe";
import { writeCustomer, writeInvoice, writePaymentMethod, writeSubscription } from "@/lib/billing/billing-store";

export type SyncReport = {
  companyId: string;
  customerId: string;
  outcome: "synced" | "customer_deleted";
  subscriptions: string[];
  invoices: number;
  card: string | null;
};

/** Product names already fetched in this run, shared between the companies it syncs. */
export type ProductCache = Map<string, Stripe.Product>;

/**
 * The plan name billing-store.ts writes is the price's nickname, else its product's name. Stripe
 * expands at most four levels and a list's `data.items.data.price.product` is five, so for the
 * first items whose price has no nickname the products come from one `products.list` by id (at
 * most 10, the subscriptions listed), skipping those already in the run's cache; an item's price
 * is always a whole object. No call at all when every price has a nickname.
 */
async function withProducts(client: Stripe, subscriptions: Stripe.Subscription[], cache: ProductCache) {
  const prices = subscriptions.flatMap((s) => s.items.data.slice(0, 1).map((item) => item.price));
  const unnamed = prices.filter((p) => p.nickname === null && typeof p.product === "string");
  const missing = [...new Set(unnamed.map((p) => p.product as string))].filter((id) => !cache.has(id));
  if (missing.length > 0) {
    const found = await client.products.list({ ids: missing, limit: missing.length });
    for (const product of found.data) cache.set(product.id, product);
  }
  for (const price of unnamed) price.product = cache.get(price.product as string) ?? price.product;
}

/**
 * Pulls one customer's current state from Stripe into the billing tables (first install,
 * repair): 3 Stripe calls, and one more when a plan's name is its product's. Written with the sync
 * time as its version, so an older webhook arriving later cannot roll it back.
 */
export async function syncCompanyBilling(
  companyId: string,
  customerId: string,
  products: ProductCache = new Map(),
): Promise<SyncReport> {
  const at = new Date();
  const client = stripe();
  let customer: Stripe.Customer | Stripe.DeletedCustomer;
  try {
    customer = await client.customers.retrieve(customerId, { expand: ["invoice_settings.default_payment_method"] });
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing")) throw err;
    customer = { id: customerId, object: "customer", deleted: true };
  }
  if ("deleted" in customer && customer.deleted) {
    await transaction((tx) => writeCustomer(tx, companyId, customer, at));
    return { companyId, customerId, outcome: "customer_deleted", subscriptions: [], invoices: 0, card: null };
  }
  const [subscriptions, invoices] = await Promise.all([
    client.subscriptions.list({ customer: customerId, status: "all", limit: 10 }),
    client.invoices.list({ customer: customerId, limit: 10 }),
  ]);
  await withProducts(client, subscriptions.data, products);
  const pm = (customer as Stripe.Customer).invoice_settings?.default_payment_method;
  await transaction(async (tx) => {
    await writeCustomer(tx, companyId, customer, at);
    if (pm && typeof pm === "object") await writePaymentMethod(tx, companyId, pm, false, at);
    for (const sub of subscriptions.data) await writeSubscription(tx, companyId, sub, at);
    for (const invoice of invoices.data) await writeInvoice(tx, companyId, invoice, at);
  });
  return {
    companyId,
    customerId,
    outcome: "synced",
    subscriptions: subscriptions.data.map((s) => `${s.id} ${s.status}`),
    invoices: invoices.data.length,
    card: pm && typeof pm === "object" && pm.card ? `${pm.card.brand} ${pm.card.last4}` : null,
  };
}

export async function linkedCompanies(): Promise<{ id: string; name: string; customerId: string }[]> {
  return db()<{ id: string; name: string; customerId: string }[]>`
    select id, name, stripe_customer_id as "customerId" from public.companies where stripe_customer_id is not null order by name`;
}
