// Control endpoints for Subscribe's tests: hold webhook deliveries and let them go later (events
// are still made and recorded, as Stripe records events an endpoint has not received yet), and
// read back the Checkout Sessions made, with the parameters they were made with.
import type { Hono } from "hono";
import type { Store } from "../state/types.ts";

const held = (store: Store) => ({
  holding: store.webhooks.holding,
  pending: store.webhooks.deliveries().filter((d) => !d.delivered && d.attempts.length === 0).length,
});

export function checkoutControlRoutes(control: Hono, store: Store): void {
  control.get("/webhook-hold", (c) => c.json(held(store)));
  control.post("/webhook-hold", (c) => (store.webhooks.hold(), c.json(held(store))));
  control.delete("/webhook-hold", (c) => (store.webhooks.release(), c.json(held(store))));

  // Oldest first: tests read it as the list of sessions created.
  control.get("/checkout-sessions", (c) =>
    c.json(
      [...store.checkoutSessions.values()].map(({ session, params, declines, subscriptionData }) => ({
        id: session.id,
        customer: session.customer,
        status: session.status,
        created: session.created,
        subscription: session.subscription,
        url: session.url,
        declines,
        trial_days: subscriptionData.trialDays,
        params,
      })),
    ),
  );
}
