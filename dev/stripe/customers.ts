// /v1/customers: create, retrieve, update, delete, list.
import type { CustomerObject } from "./objects.ts";
import { deletedCustomer, listObject, newCustomer, randomId } from "./objects.ts";
import { resourceMissing } from "./errors.ts";
import type { ParsedObject } from "./schema.ts";
import {
  any,
  arrayOf,
  bool,
  email,
  int,
  metadata,
  obj,
  oneOf,
  readArray,
  readNumber,
  readObject,
  readString,
  str,
} from "./schema.ts";
import type { Route, RouteContext } from "./routes.ts";
import { expandParam, expansions, listParams, ok, paginate } from "./routes.ts";
import { changeSubscription, subscriptionsOf } from "./billing.ts";
import { emit } from "./events.ts";
import { renderSubscription } from "./expand.ts";
import { matchesStatus } from "./subscription-object.ts";
import type { Store } from "./store.ts";

const address = obj({ city: str(), country: str(), line1: str(), line2: str(), postal_code: str(), state: str() });

const writable = {
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
  phone: str(),
  preferred_locales: arrayOf(str()),
  shipping: obj({ address, name: str(), phone: str() }, ["address", "name"]),
  source: str(),
  tax: any(),
  tax_exempt: oneOf("exempt", "none", "reverse"),
  validate: bool(),
  ...expandParam,
};

// Accepted because the API documents them; payment methods are attached only
// by the hosted portal here, and there are no sources, tax ids, clocks or
// accounts, so they have no effect.
const createOnly = { payment_method: str(), tax_id_data: any(), test_clock: str() };

const EXPANDABLE = [
  "default_source",
  "invoice_settings.default_payment_method",
  "test_clock",
  "sources",
  "subscriptions",
  "tax_ids",
  "tax",
  "cash_balance",
];

function toAddress(value: ParsedObject | undefined) {
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
  if ("shipping" in p) {
    customer.shipping = shipping
      ? {
          address: toAddress(readObject(shipping, "address")),
          name: readString(shipping, "name") ?? null,
          phone: readString(shipping, "phone") ?? null,
        }
      : null;
  }
  customer.balance = readNumber(p, "balance") ?? customer.balance;
  customer.invoice_prefix = readString(p, "invoice_prefix") ?? customer.invoice_prefix;
  customer.next_invoice_sequence = readNumber(p, "next_invoice_sequence") ?? customer.next_invoice_sequence;
  if ("preferred_locales" in p)
    customer.preferred_locales = (readArray(p, "preferred_locales") ?? []).filter((l) => typeof l === "string");
  if ("tax_exempt" in p) customer.tax_exempt = readString(p, "tax_exempt") ?? "none";
  if ("metadata" in p) {
    const patch = readObject(p, "metadata");
    // Unsetting the whole hash clears it; per-key empty values remove that key.
    const next = patch ? { ...customer.metadata } : {};
    for (const [key, value] of Object.entries(patch ?? {})) {
      if (typeof value === "string") next[key] = value;
      else delete next[key];
    }
    customer.metadata = next;
  }
}

function render(store: Store, customer: CustomerObject, params: ParsedObject, prefix = "") {
  const expand = expansions(params, EXPANDABLE, prefix);
  const sublist = (name: string, data: unknown[] = []) =>
    expand.has(name) ? { [name]: listObject(`/v1/customers/${customer.id}/${name}`, data, false) } : {};
  const subscriptions = subscriptionsOf(store, customer.id)
    .filter((s) => matchesStatus(s, undefined))
    .reverse()
    .map((s) => renderSubscription(store, s, new Set()));
  const pmId = customer.invoice_settings.default_payment_method;
  const pm =
    expand.has("invoice_settings.default_payment_method") && typeof pmId === "string"
      ? store.paymentMethods.get(pmId)
      : undefined;
  return {
    ...customer,
    ...(pm && { invoice_settings: { ...customer.invoice_settings, default_payment_method: structuredClone(pm) } }),
    ...sublist("sources"),
    ...sublist("subscriptions", subscriptions),
    ...sublist("tax_ids"),
  };
}

function existing(ctx: RouteContext) {
  const id = ctx.pathParams.id ?? "";
  const entry = ctx.store.customers.get(id);
  return { id, entry };
}

export const customerRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v1/customers",
    schema: obj({ ...writable, ...createOnly }),
    check: (p) => void expansions(p, EXPANDABLE),
    execute(p, ctx) {
      const customer = newCustomer(randomId("cus_", 14));
      apply(customer, p);
      ctx.store.customers.set(customer.id, { customer, deleted: false });
      return ok(render(ctx.store, customer, p));
    },
  },
  {
    method: "GET",
    pattern: "/v1/customers",
    schema: obj({ created: any(), email: str(), test_clock: str(), ...listParams }),
    execute(p, ctx) {
      const wanted = readString(p, "email");
      const all = [...ctx.store.customers.values()]
        .filter((e) => !e.deleted && (wanted === undefined || e.customer.email === wanted))
        .map((e) => e.customer)
        .reverse();
      const list = paginate(all, p, "/v1/customers", "customer");
      return ok({ ...list, data: list.data.map((c) => render(ctx.store, c, p, "data.")) });
    },
  },
  {
    method: "GET",
    pattern: "/v1/customers/:id",
    schema: obj(expandParam),
    execute(p, ctx) {
      const { id, entry } = existing(ctx);
      if (!entry) throw resourceMissing("customer", id, "id");
      // Stripe still answers 200 for a deleted customer, with the tombstone.
      return ok(entry.deleted ? deletedCustomer(id) : render(ctx.store, entry.customer, p));
    },
  },
  {
    method: "POST",
    pattern: "/v1/customers/:id",
    schema: obj({ ...writable, default_source: str() }),
    execute(p, ctx) {
      const { id, entry } = existing(ctx);
      if (!entry || entry.deleted) throw resourceMissing("customer", id, "id");
      apply(entry.customer, p);
      return ok(render(ctx.store, entry.customer, p));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/customers/:id",
    schema: obj({}),
    execute(_p, ctx) {
      const { id, entry } = existing(ctx);
      if (!entry || entry.deleted) throw resourceMissing("customer", id, "id");
      // Deleting a customer cancels its subscriptions at once, then the customer itself goes.
      const now = Math.floor(Date.now() / 1000);
      for (const s of subscriptionsOf(ctx.store, id).filter((s) => s.status !== "canceled")) {
        changeSubscription(
          ctx.store,
          s,
          "customer.subscription.deleted",
          () => Object.assign(s, { status: "canceled", canceled_at: s.canceled_at ?? now, ended_at: now }),
          ctx.request,
        );
      }
      entry.deleted = true;
      emit(ctx.store, "customer.deleted", entry.customer, { request: ctx.request });
      return ok(deletedCustomer(id));
    },
  },
];
