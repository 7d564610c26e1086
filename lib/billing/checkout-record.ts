import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db-errors";
import { settleWithin } from "@/lib/deadline";
import { UnavailableError } from "@/lib/billing/errors";
import {
  linkCompanyCustomer,
  writeCustomer,
  writeInvoice,
  writePaymentMethod,
  writeSubscription,
} from "@/lib/billing/billing-store";
import { asVersion, type Version, type WriteResult } from "@/lib/billing/versions";
import { idOf } from "@/lib/billing/stripe-ids";

type Tx = postgres.TransactionSql;

export type Recorded = { outcome: "applied" | "stale" | "flagged"; detail?: string };

/**
 * The version of what Stripe just answered: the Date of its response, on Stripe's own clock
 * like an event's `created`. An event created before it is older than the object we hold; one
 * created later is applied. (Our own clock only if the header is missing.)
 */
export function stripeTime(response: { lastResponse?: { headers?: Record<string, string> } }): Date {
  const date = Date.parse(response.lastResponse?.headers?.date ?? "");
  return Number.isNaN(date) ? new Date() : new Date(date);
}

/**
 * The version of a read of a completed Checkout Session. A read is normally versioned a second
 * before Stripe's answer (lib/billing/versions.ts), so that an event of the answer's own second,
 * which may have been made after the read, still ties. But the events of the Checkout itself
 * (customer.subscription.created while still incomplete, invoice.finalized, …) are all made
 * before Stripe sends the person back, hence before any read that follows: a read may claim their
 * second too, the second the subscription was made and its first invoice paid, and so win over
 * those snapshots when they got here first. (Only a change made in that same second after the
 * read could be hidden; it would have to happen within a second of paying.)
 */
export function checkoutReadVersion(session: Stripe.Checkout.Session, at: Version | Date): Version {
  const read = asVersion(at);
  const sub = typeof session.subscription === "object" ? session.subscription : null;
  if (!read.fetched || session.status !== "complete" || !sub) return read;
  const invoice = typeof sub.latest_invoice === "object" ? sub.latest_invoice : null;
  const completed = Math.max(sub.created, invoice?.status_transitions?.paid_at ?? 0);
  // Never past the second Stripe answered in.
  const seconds = Math.min(Math.max(read.seconds, completed), read.seconds + 1);
  return { seconds, fetched: true };
}

/**
 * Writes what a completed Checkout Session made (customer link, subscription, its latest invoice
 * and payment method, whatever of them is expanded) for `companyId`, versioned as the read
 * `answered` is (checkoutReadVersion), or as the event snapshot it is. The
 * caller has checked that the session is this company's. A company linked to another
 * customer is flagged and nothing is written.
 */
export async function recordCheckoutSession(
  tx: Tx,
  companyId: string,
  session: Stripe.Checkout.Session,
  answered: Version | Date,
): Promise<Recorded> {
  const at = checkoutReadVersion(session, answered);
  const customerId = idOf(session.customer);
  if (!customerId) return { outcome: "stale", detail: "the session has no customer" };
  const linked = await linkCompanyCustomer(tx, companyId, customerId);
  if (linked !== customerId)
    return {
      outcome: "flagged",
      detail: `checkout session ${session.id} of customer ${customerId} names company ${companyId}, which is linked to ${linked}`,
    };
  const writes: Promise<WriteResult>[] = [];
  if (typeof session.customer === "object" && session.customer)
    writes.push(writeCustomer(tx, companyId, session.customer, at));
  const sub = typeof session.subscription === "object" ? session.subscription : null;
  if (sub) {
    writes.push(writeSubscription(tx, companyId, sub, at));
    if (typeof sub.latest_invoice === "object" && sub.latest_invoice)
      writes.push(writeInvoice(tx, companyId, sub.latest_invoice, at));
    if (typeof sub.default_payment_method === "object" && sub.default_payment_method)
      writes.push(writePaymentMethod(tx, companyId, sub.default_payment_method, false, at));
  }
  // One transaction, one connection: postgres.js runs these in order.
  // Versioned as a read from Stripe (never a tie): anything not written was newer already.
  const applied = (await Promise.all(writes)).includes("written");
  return applied ? { outcome: "applied" } : { outcome: "stale", detail: "nothing newer than what is recorded" };
}

/**
 * recordCheckoutSession in a transaction of its own, answered within `timeoutMs` (a click's
 * budget): a database that is down or too slow is an UnavailableError, so the click is a 503.
 */
export async function recordCheckoutWithin(
  companyId: string,
  session: Stripe.Checkout.Session,
  at: Date,
  timeoutMs: number,
): Promise<Recorded> {
  try {
    return await settleWithin(
      db().begin((tx) => recordCheckoutSession(tx, companyId, session, at)),
      timeoutMs,
      "the database",
    );
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new UnavailableError("database_unavailable", { cause: err });
    throw err;
  }
}
