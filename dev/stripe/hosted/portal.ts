// The hosted portal under /p/session/<secret>/…: GET pages and the POSTs of their forms, all
// refused with the expired page once the session's TTL is over. Views and form posts are
// counted, but not as API calls.
import type { Context } from "hono";
import { BillingError, primarySubscription } from "../billing/ops.ts";
import { cancelAtPeriodEnd, changePlan, portalRequest, updateCard } from "../billing/portal-actions.ts";
import { TEST_CARDS } from "../objects/payment-method.ts";
import { countCall, isExpired, liveCustomer } from "../state/store.ts";
import type { Store, SubscriptionObject } from "../state/types.ts";
import type { StandInApp } from "../wire/api.ts";
import type { Page } from "./html.ts";
import { htmlResponse } from "./html.ts";
import type { PortalAction } from "./portal-forms.ts";
import { cancelPage, cardPage, donePage, errorPage, planPage } from "./portal-forms.ts";
import type { PortalContext } from "./portal-pages.ts";
import { expiredPage, homePage, notFoundPage, portalContext } from "./portal-pages.ts";

export const PAGE_VIEW_KEY = "GET /p/session";
export const PAGE_POST_KEY = "POST /p/session";

const ACTIONS: readonly string[] = ["cancel", "plan", "payment-method"] satisfies PortalAction[];

// A flow acts on its own subscription; the homepage on the one a form names, or the customer's current one.
function requireTarget(ctx: PortalContext, requested: string | null | undefined): SubscriptionObject {
  const customer = ctx.record.session.customer;
  const id = ctx.flow?.subscription ?? requested;
  const found = id ? ctx.store.subscriptions.get(id) : primarySubscription(ctx.store, customer);
  const subscription = found?.customer === customer ? found : undefined;
  if (!subscription) throw new BillingError("There is no subscription to change.");
  if (subscription.status === "canceled") throw new BillingError("This subscription has already been canceled.");
  return subscription;
}

function view(ctx: PortalContext, page: string | undefined, query: (name: string) => string | undefined): Page {
  const flow = page === undefined ? ctx.flow?.type : undefined;
  if (page === "cancel" || flow === "subscription_cancel")
    return cancelPage(ctx, requireTarget(ctx, query("subscription")));
  if (page === "plan" || flow === "subscription_update")
    return planPage(ctx, requireTarget(ctx, query("subscription")));
  if (page === "payment-method" || flow === "payment_method_update") return cardPage(ctx);
  if (page === "done") {
    const action = query("action") ?? "";
    return ACTIONS.includes(action) ? donePage(ctx, action as PortalAction) : notFoundPage();
  }
  return homePage(ctx);
}

function act(ctx: PortalContext, action: PortalAction, form: Record<string, string | File>): void {
  const field = (name: string) => (typeof form[name] === "string" ? form[name] : undefined);
  const request = portalRequest();
  if (action === "cancel") cancelAtPeriodEnd(ctx.store, requireTarget(ctx, field("subscription")), request);
  else if (action === "plan")
    changePlan(ctx.store, requireTarget(ctx, field("subscription")), field("price") ?? "", request);
  else {
    const card = TEST_CARDS.find((c) => c.brand === field("card"));
    const customer = liveCustomer(ctx.store, ctx.record.session.customer);
    if (!card || !customer) throw new BillingError("Choose one of the test cards.");
    updateCard(ctx.store, customer, card, request);
  }
}

async function respond(store: Store, c: Context, action?: PortalAction): Promise<Response> {
  countCall(store, action ? PAGE_POST_KEY : PAGE_VIEW_KEY, false);
  const record = store.sessionsBySecret.get(c.req.param("secret") ?? "");
  if (!record) return htmlResponse(notFoundPage());
  if (isExpired(store, record)) return htmlResponse(expiredPage(record));
  const ctx = portalContext(store, record);
  try {
    if (!action) return htmlResponse(view(ctx, c.req.param("page"), (name) => c.req.query(name)));
    act(ctx, action, await c.req.parseBody());
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    return htmlResponse(errorPage(ctx, error.message, 409));
  }
  // Post/redirect/get: back to the app for after_completion=redirect, else to a confirmation.
  const redirect = ctx.flow?.after === "redirect" && ctx.flow.redirectUrl;
  return new Response(null, {
    status: 303,
    headers: { Location: redirect || `${ctx.base}/done?action=${action}`, "Cache-Control": "no-store" },
  });
}

export function mountPortal(app: StandInApp, store: Store): void {
  const methodNotAllowed = (allow: string) => () => new Response(null, { status: 405, headers: { Allow: allow } });
  app.get("/p/session/:secret", (c) => respond(store, c));
  app.get("/p/session/:secret/:page{home|done|cancel|plan|payment-method}", (c) => respond(store, c));
  app.post("/p/session/:secret/:page{cancel|plan|payment-method}", (c) =>
    respond(store, c, c.req.param("page") as PortalAction),
  );
  app.all("/p/session/:secret/:page{home|done}", methodNotAllowed("GET"));
  app.all("/p/session/:secret", methodNotAllowed("GET"));
  app.all("/p/session/:secret/:page{cancel|plan|payment-method}", methodNotAllowed("GET, POST"));
}
