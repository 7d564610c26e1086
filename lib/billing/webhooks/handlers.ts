import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import {
  companyForCustomer,
  companyForPaymentMethod,
  writeCustomer,
  writeInvoice,
  writePaymentMethod,
  writeSubscription,
} from "@/lib/billing/billing-store";
import { eventVersion, type Version } from "@/lib/billing/versions";
import { written, type Handled } from "@/lib/billing/webhooks/outcomes";
import { writePrice, writeProduct } from "@/lib/billing/catalog-store";
import { checkoutSessionCompleted, customerCreated } from "@/lib/billing/webhooks/checkout-events";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhooks/event-types";

type HandledEvent = Extract<Stripe.Event, { type: (typeof HANDLED_EVENT_TYPES)[number] }>;
const isHandled = (event: Stripe.Event): event is HandledEvent =>
  (HANDLED_EVENT_TYPES as readonly string[]).includes(event.type);

type Tx = postgres.TransactionSql;

const customerIdOf = (c: string | { id: string } | null | undefined) =>
  c == null ? null : typeof c === "string" ? c : c.id;

/**
 * The customer this event is about must be linked to a company, and if the object carries a
 * company id in its metadata, it must be that company: otherwise nothing is applied.
 */
async function resolveCompany(
  tx: Tx,
  customerId: string | null,
  metadata: Stripe.Metadata | null | undefined,
): Promise<{ companyId: string } | Handled> {
  if (!customerId) return { outcome: "ignored", detail: "no customer on the object" };
  const companyId = await companyForCustomer(tx, customerId);
  if (!companyId) return { outcome: "ignored", detail: `customer ${customerId} is not linked to a company` };
  const claimed = metadata?.company_id;
  if (claimed && claimed !== companyId)
    return {
      outcome: "flagged",
      detail: `customer ${customerId} is linked to company ${companyId} but its metadata names ${claimed}`,
    };
  return { companyId };
}

/** Writes what `event` says, versioned by its `created` unless `at` says otherwise (a re-read). */
export async function handleEvent(
  tx: Tx,
  event: Stripe.Event,
  at: Version = eventVersion(event.created),
): Promise<Handled> {
  if (!isHandled(event)) return { outcome: "ignored", detail: "event type not handled" };
  switch (event.type) {
    case "customer.updated":
    case "customer.deleted": {
      const customer = event.data.object;
      const target = await resolveCompany(tx, customer.id, "metadata" in customer ? customer.metadata : null);
      if (!("companyId" in target)) return target;
      const gone =
        event.type === "customer.deleted" ? ({ ...customer, deleted: true } as Stripe.DeletedCustomer) : customer;
      return written(await writeCustomer(tx, target.companyId, gone, at));
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
    case "customer.subscription.trial_will_end": {
      const sub = event.data.object;
      const target = await resolveCompany(tx, customerIdOf(sub.customer), sub.metadata);
      if (!("companyId" in target)) return target;
      return written(await writeSubscription(tx, target.companyId, sub, at));
    }
    case "invoice.paid":
    case "invoice.payment_failed":
    case "invoice.finalized": {
      const invoice = event.data.object;
      const target = await resolveCompany(tx, customerIdOf(invoice.customer), null);
      if (!("companyId" in target)) return target;
      return written(await writeInvoice(tx, target.companyId, invoice, at));
    }
    case "payment_method.attached":
    case "payment_method.detached": {
      const pm = event.data.object;
      // A detached payment method names no customer (in the event and when read again): find
      // its company by what we stored.
      const customerId = customerIdOf(pm.customer);
      const companyId = customerId
        ? await companyForCustomer(tx, customerId)
        : await companyForPaymentMethod(tx, pm.id);
      if (!companyId) return { outcome: "ignored", detail: `payment method ${pm.id} has no linked company` };
      return written(await writePaymentMethod(tx, companyId, pm, pm.customer == null, at));
    }
    case "customer.created":
      return customerCreated(tx, event.data.object, at);
    case "checkout.session.completed":
      return checkoutSessionCompleted(tx, event.data.object, at);
    case "product.created":
    case "product.updated":
    case "product.deleted":
      return written(await writeProduct(tx, event.data.object, at, event.type === "product.deleted"));
    case "price.created":
    case "price.updated":
    case "price.deleted":
      return written(await writePrice(tx, event.data.object, at, event.type === "price.deleted"));
    default:
      return event satisfies never;
  }
}
