// /v1/customers: create (customer.created), list, retrieve (a deleted customer as its tombstone)
// and delete, which cancels the customer's subscriptions first, each with its event.
import { deletedCustomer, newCustomer } from "../objects/customer.ts";
import type { Address, CustomerObject, Store } from "../state/types.ts";
import { changeSubscription, subscriptionsOf } from "../billing/ops.ts";
import { nowSeconds, randomId } from "../objects/ids.ts";
import { emit } from "../webhooks/emit.ts";
import { resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam, listParams, paginate } from "../wire/list.ts";
import type { Route } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { any, arrayOf, bool, email, int, metadata, obj, oneOf } from "../wire/schema.ts";
import { readArray, readNumber, readObject, readString, str } from "../wire/schema.ts";

const address = obj({ city: str(), country: str(), line1: str(), line2: str(), postal_code: str(), state: str() });

// Every parameter Stripe documents for a create; the ones this stand-in has nothing for
// (sources, tax ids, clocks, cash balance) are accepted and have no effect.
const createParams = obj({
  address,
  balance: int(),
  business_name: str(),
  cash_balance: any(),
  description: str(),
  email: email(),
  individual_name: str(),
  invoice_prefix: str(),
  invoice_settings: any(),
  metadata: metadata(),
  name: str(),
  next_invoice_sequence: int(1),
  payment_method: str(),
  phone: str(),
  preferred_locales: arrayOf(str()),
  shipping: obj({ address, name: str(), phone: str() }, ["address", "name"]),
  source: str(),
  tax: any(),
  tax_exempt: oneOf("exempt", "none", "reverse"),
  tax_id_data: any(),
  test_clock: str(),
  validate: bool(),
  ...expandParam,
});

// The expansions implemented here; Stripe has more (sources, subscriptions, tax_ids, …).
const EXPANDABLE = ["invoice_settings.default_payment_method"];

function toAddress(value: ParsedObject | undefined): Address | null {
  if (!value) return null;
  const field = (key: string) => readString(value, key) ?? null;
  return {
    city: field("city"),
    country: field("country"),
    line1: field("line1"),
    line2: field("line2"),
    postal_code: field("postal_code"),
    state: field("state"),
  };
}

function apply(customer: CustomerObject, p: ParsedObject): void {
  for (const key of ["description", "email", "name", "phone"] as const) {
    if (key in p) customer[key] = readString(p, key) ?? null;
  }
  for (const key of ["business_name", "individual_name"] as const) {
    if (key in p) customer[key] = readString(p, key) ?? "";
  }
  if ("address" in p) customer.address = toAddress(readObject(p, "address"));
  const shipping = readObject(p, "shipping");
  if (shipping) {
    customer.shipping = {
      address: toAddress(readObject(shipping, "address")),
      name: readString(shipping, "name") ?? null,
      phone: readString(shipping, "phone") ?? null,
    };
  }
  customer.balance = readNumber(p, "balance") ?? customer.balance;
  customer.invoice_prefix = readString(p, "invoice_prefix") ?? customer.invoice_prefix;
  customer.next_invoice_sequence = readNumber(p, "next_invoice_sequence") ?? customer.next_invoice_sequence;
  const locales = readArray(p, "preferred_locales");
  if (locales) customer.preferred_locales = locales.filter((l) => typeof l === "string");
  customer.tax_exempt = readString(p, "tax_exempt") ?? customer.tax_exempt;
  const meta = readObject(p, "metadata");
  if (meta)
    customer.metadata = Object.fromEntries(
      Object.entries(meta).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}

function render(store: Store, customer: CustomerObject, expand: Set<string>) {
  const pmId = customer.invoice_settings.default_payment_method;
  const pm = expand.has("invoice_settings.default_payment_method") && pmId ? store.paymentMethods.get(pmId) : undefined;
  const out = structuredClone(customer);
  return pm
    ? { ...out, invoice_settings: { ...out.invoice_settings, default_payment_method: structuredClone(pm) } }
    : out;
}

export const customerRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/customers",
    schema: createParams,
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const customer = newCustomer(randomId("cus_", 14));
      apply(customer, p);
      ctx.store.customers.set(customer.id, { customer, deleted: false });
      emit(ctx.store, "customer.created", customer, { request: ctx.request });
      return ok(render(ctx.store, customer, expansions(p, EXPANDABLE)));
    },
  },
  {
    method: "GET",
    path: "/v1/customers",
    schema: obj({ created: any(), email: str(), test_clock: str(), ...listParams }),
    check: (p) => void expansions(p, EXPANDABLE, true),
    execute(p, ctx) {
      const email = readString(p, "email");
      const live = [...ctx.store.customers.values()]
        .filter((e) => !e.deleted && (email === undefined || e.customer.email === email))
        .map((e) => e.customer)
        .reverse();
      const list = paginate(live, p, "/v1/customers", "customer");
      const expand = expansions(p, EXPANDABLE, true);
      return ok({ ...list, data: list.data.map((c) => render(ctx.store, c, expand)) });
    },
  },
  {
    method: "GET",
    path: "/v1/customers/:id",
    schema: obj(expandParam),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const entry = ctx.store.customers.get(id);
      if (!entry) throw resourceMissing("customer", id, "id");
      // Stripe still answers 200 for a deleted customer, with the tombstone.
      return ok(entry.deleted ? deletedCustomer(id) : render(ctx.store, entry.customer, expansions(p, EXPANDABLE)));
    },
  },
  {
    method: "DELETE",
    path: "/v1/customers/:id",
    schema: obj({}),
    execute(_p, ctx) {
      const id = ctx.pathParams.id ?? "";
      const entry = ctx.store.customers.get(id);
      if (!entry || entry.deleted) throw resourceMissing("customer", id, "id");
      const now = nowSeconds();
      for (const s of subscriptionsOf(ctx.store, id).filter((s) => s.status !== "canceled")) {
        const end = () => Object.assign(s, { status: "canceled", canceled_at: s.canceled_at ?? now, ended_at: now });
        changeSubscription(ctx.store, s, "customer.subscription.deleted", end, ctx.request);
      }
      entry.deleted = true;
      emit(ctx.store, "customer.deleted", entry.customer, { request: ctx.request });
      return ok(deletedCustomer(id));
    },
  },
];
