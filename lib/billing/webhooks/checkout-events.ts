import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import {
  companyExists,
  companyForCustomer,
  hasSubscription,
  linkCompanyCustomer,
  writeCustomer,
} from "@/lib/billing/billing-store";
import { recordCheckoutSession } from "@/lib/billing/checkout-record";
import type { Version } from "@/lib/billing/versions";
import { written, type Handled } from "@/lib/billing/webhooks/outcomes";
import { idOf } from "@/lib/billing/stripe-ids";

type Tx = postgres.TransactionSql;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const companyIdIn = (value: string | null | undefined) => (value && UUID.test(value) ? value : null);

/**
 * A customer made for a company (metadata.company_id, as Subscribe creates them) links that
 * company if it has no customer yet: the click that made it may have died before writing it,
 * or this event may simply arrive first. A company linked to another customer is flagged.
 */
export async function customerCreated(tx: Tx, customer: Stripe.Customer, at: Version): Promise<Handled> {
  const claimed = companyIdIn(customer.metadata?.company_id);
  const companyId = claimed && (await companyExists(tx, claimed)) ? claimed : await companyForCustomer(tx, customer.id);
  if (!companyId) return { outcome: "ignored", detail: `customer ${customer.id} names no company of ours` };
  const linked = await linkCompanyCustomer(tx, companyId, customer.id);
  if (linked !== customer.id)
    return {
      outcome: "flagged",
      detail: `customer ${customer.id} names company ${companyId}, which is linked to ${linked}`,
    };
  return written(await writeCustomer(tx, companyId, customer, at));
}

/**
 * A completed subscription Checkout: the company is the session's client_reference_id. If the
 * return to the billing page already recorded the subscription there is nothing new. Otherwise
 * the event's session names the subscription only by id: the handler asks for the session to be
 * read from Stripe with what it made expanded ("read": apply-event.ts does that with no
 * transaction open) and records that, versioned as the read it is.
 */
export async function checkoutSessionCompleted(
  tx: Tx,
  session: Stripe.Checkout.Session,
  at: Version,
): Promise<Handled> {
  if (session.mode !== "subscription") return { outcome: "ignored", detail: "not a subscription checkout" };
  const customerId = idOf(session.customer);
  const named = companyIdIn(session.client_reference_id);
  const companyId =
    named && (await companyExists(tx, named)) ? named : customerId ? await companyForCustomer(tx, customerId) : null;
  if (!companyId || !customerId)
    return { outcome: "ignored", detail: `checkout session ${session.id} names no company of ours` };
  const claimed = session.metadata?.company_id;
  if (claimed && claimed !== companyId)
    return {
      outcome: "flagged",
      detail: `checkout session ${session.id} is for ${companyId} but its metadata names ${claimed}`,
    };
  const subscriptionId = idOf(session.subscription);
  if (subscriptionId && (await hasSubscription(tx, subscriptionId))) {
    const linked = await linkCompanyCustomer(tx, companyId, customerId);
    return linked === customerId
      ? { outcome: "stale", detail: `subscription ${subscriptionId} is already recorded` }
      : { outcome: "flagged", detail: `company ${companyId} is linked to ${linked}, not ${customerId}` };
  }
  if (typeof session.subscription === "string") return { outcome: "read" };
  return recordCheckoutSession(tx, companyId, session, at);
}
