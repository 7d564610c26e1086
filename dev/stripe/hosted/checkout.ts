// The hosted Checkout page under /c/pay/<session id>: GET shows it, POST pays. A card that works
// completes the session and redirects (303) to its success_url with {CHECKOUT_SESSION_ID} filled
// in; a declined or mistyped card shows Stripe's message on the same page. Views and payments are
// counted, but not as API calls.
import type { Context } from "hono";
import { completeCheckout, declineCheckout } from "../billing/checkout-complete.ts";
import { findCheckout } from "../billing/checkout-sessions.ts";
import { BillingError } from "../billing/ops.ts";
import { successRedirect } from "../objects/checkout-session.ts";
import { CARD_DECLINED, checkTypedCard } from "../objects/test-cards.ts";
import { countCall } from "../state/store.ts";
import type { Store } from "../state/types.ts";
import type { StandInApp } from "../wire/api.ts";
import type { Typed } from "./checkout-page.ts";
import { checkoutPage, closedPage, NOTHING_TYPED, unknownCheckoutPage } from "./checkout-page.ts";
import { htmlResponse } from "./html.ts";

export const CHECKOUT_VIEW_KEY = "GET /c/pay";
export const CHECKOUT_POST_KEY = "POST /c/pay";

async function typedIn(c: Context): Promise<Typed> {
  const form = await c.req.parseBody();
  const text = (name: string) => (typeof form[name] === "string" ? form[name].slice(0, 200) : "");
  return {
    email: text("email"),
    number: text("cardNumber"),
    expiry: text("cardExpiry"),
    cvc: text("cardCvc"),
    name: text("billingName"),
  };
}

async function respond(store: Store, c: Context, paying: boolean): Promise<Response> {
  countCall(store, paying ? CHECKOUT_POST_KEY : CHECKOUT_VIEW_KEY, false);
  const record = findCheckout(store, c.req.param("id") ?? "");
  if (!record) return htmlResponse(unknownCheckoutPage());
  if (record.session.status !== "open") return htmlResponse(closedPage(record));
  if (!paying) return htmlResponse(checkoutPage(store, record, NOTHING_TYPED));

  const typed = await typedIn(c);
  // The number is never shown back, as Stripe's page clears it after a decline.
  const retry = { ...typed, number: "" };
  if (!record.session.customer && !record.session.customer_email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(typed.email))
    return htmlResponse(checkoutPage(store, record, typed, "Your email address is incomplete."));
  const checked = checkTypedCard(typed);
  if (!checked.ok) return htmlResponse(checkoutPage(store, record, typed, checked.message));
  const payer = { ...checked, name: typed.name.trim() || null, email: typed.email || null };
  try {
    if (checked.card.behaviour !== "succeeds") {
      declineCheckout(store, record, payer);
      return htmlResponse(checkoutPage(store, record, retry, CARD_DECLINED));
    }
    completeCheckout(store, record, payer);
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    return htmlResponse(checkoutPage(store, record, retry, error.message));
  }
  return new Response(null, {
    status: 303,
    headers: { Location: successRedirect(record.session), "Cache-Control": "no-store" },
  });
}

export function mountCheckout(app: StandInApp, store: Store): void {
  app.get("/c/pay/:id", (c) => respond(store, c, false));
  app.post("/c/pay/:id", (c) => respond(store, c, true));
  app.all("/c/pay/:id", () => new Response(null, { status: 405, headers: { Allow: "GET, POST" } }));
}
