// Checkout Sessions over time: found by id with their expiry applied (a session past its
// `expires_at` is expired the first time anyone looks, with the event Stripe sends), and expired
// on request. An expired or completed session has no `url` any more, as at Stripe.
import { nowSeconds } from "../objects/ids.ts";
import { AUTOMATIC, emit } from "../webhooks/emit.ts";
import type { CheckoutRecord, EventRequest, Store } from "../state/types.ts";

export function expireSession(store: Store, record: CheckoutRecord, request: EventRequest = AUTOMATIC): void {
  record.session.status = "expired";
  record.session.url = null;
  emit(store, "checkout.session.expired", record.session, { request });
}

function settle(store: Store, record: CheckoutRecord): CheckoutRecord {
  if (record.session.status === "open" && nowSeconds() >= record.session.expires_at) expireSession(store, record);
  return record;
}

export const findCheckout = (store: Store, id: string): CheckoutRecord | undefined => {
  const record = store.checkoutSessions.get(id);
  return record && settle(store, record);
};

// Newest first, as Stripe lists them.
export const allCheckouts = (store: Store): CheckoutRecord[] =>
  [...store.checkoutSessions.values()].reverse().map((record) => settle(store, record));
