import type Stripe from "stripe";

/**
 * Every event type the app acts on, in one place: the webhook handler must handle exactly these
 * (the compiler checks both ways, lib/billing/webhooks/handlers.ts), the doctor requires the
 * webhook endpoint to be subscribed to them, and the local Stripe stand-in's endpoint listens to
 * them (dev/local-stack.ts). Free of server-only imports so that dev/ can read it too.
 */
export const HANDLED_EVENT_TYPES = [
  "customer.updated",
  "customer.deleted",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.finalized",
  "payment_method.attached",
  "payment_method.detached",
  "customer.created",
  "checkout.session.completed",
  "product.created",
  "product.updated",
  "product.deleted",
  "price.created",
  "price.updated",
  "price.deleted",
] as const satisfies readonly Stripe.Event.Type[];
