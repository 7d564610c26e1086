// Requests to the hosted portal: GET pages and the POSTs of their forms under
// /p/session/<secret>/…, all refused with the expired page once the session's
// TTL is over. Views and form posts are counted, but not as API calls.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BillingError, primarySubscription } from "./billing.ts";
import type { StripeEvent } from "./events.ts";
import { readBody, sendHtml } from "./http.ts";
import { cancelAtPeriodEnd, changePlan, portalRequest, updateCard } from "./portal-actions.ts";
import type { PortalAction } from "./portal-forms.ts";
import { cancelPage, cardPage, confirmPlanPage, donePage, errorPage, planPage } from "./portal-forms.ts";
import type { Page, PortalContext } from "./portal-page.ts";
import { expiredPage, homePage, notFoundPage, portalContext } from "./portal-page.ts";
import { TEST_CARDS } from "./payment-method-object.ts";
import { itemOf } from "./subscription-object.ts";
import type { Store } from "./store.ts";
import { countCall, isExpired, liveCustomer } from "./store.ts";
import type { SubscriptionObject } from "./wire.ts";

export const PAGE_VIEW_KEY = "GET /p/session";
export const PAGE_POST_KEY = "POST /p/session";

const PATH = /^\/p\/session\/([^/]+)(?:\/(home|cancel|plan|payment-method|done))?$/;

// A flow acts on its own subscription; the homepage on the one a form names, or the customer's current one.
function target(ctx: PortalContext, requested: string | null): SubscriptionObject | undefined {
  const customer = ctx.record.session.customer;
  const id = ctx.flow?.subscription ?? requested;
  if (!id) return primarySubscription(ctx.store, customer);
  const subscription = ctx.store.subscriptions.get(id);
  return subscription?.customer === customer ? subscription : undefined;
}

function requireTarget(ctx: PortalContext, requested: string | null): SubscriptionObject {
  const subscription = target(ctx, requested);
  if (!subscription) throw new BillingError("There is no subscription to change.");
  if (subscription.status === "canceled") throw new BillingError("This subscription has already been canceled.");
  return subscription;
}

function flowPage(ctx: PortalContext): Page {
  switch (ctx.flow?.type) {
    case "subscription_cancel":
      return cancelPage(ctx, requireTarget(ctx, null));
    case "subscription_update":
      return planPage(ctx, requireTarget(ctx, null));
    case "subscription_update_confirm": {
      const subscription = requireTarget(ctx, null);
      return confirmPlanPage(ctx, subscription, ctx.flow.price ?? itemOf(subscription).price.id);
    }
    case "payment_method_update":
      return cardPage(ctx);
    default:
      return homePage(ctx);
  }
}

function view(ctx: PortalContext, sub: string | undefined, query: URLSearchParams): Page {
  switch (sub) {
    case undefined:
      return flowPage(ctx);
    case "home":
      return homePage(ctx);
    case "cancel":
      return cancelPage(ctx, requireTarget(ctx, query.get("subscription")));
    case "plan":
      return planPage(ctx, requireTarget(ctx, query.get("subscription")));
    case "payment-method":
      return cardPage(ctx);
    default: {
      const action = query.get("action");
      return action === "cancel" || action === "plan" || action === "payment-method"
        ? donePage(ctx, action)
        : notFoundPage();
    }
  }
}

function act(ctx: PortalContext, action: PortalAction, form: URLSearchParams): StripeEvent[] {
  const request = portalRequest();
  if (action === "cancel") return cancelAtPeriodEnd(ctx.store, requireTarget(ctx, form.get("subscription")), request);
  if (action === "plan")
    return changePlan(ctx.store, requireTarget(ctx, form.get("subscription")), form.get("price") ?? "", request);
  const card = TEST_CARDS.find((c) => c.brand === form.get("card"));
  const customer = liveCustomer(ctx.store, ctx.record.session.customer);
  if (!card || !customer) throw new BillingError("Choose one of the test cards.");
  return updateCard(ctx.store, customer, card, request);
}

// A page to show, or where to redirect to after a form post.
async function respond(
  store: Store,
  req: IncomingMessage,
  url: URL,
  secret: string,
  sub: string | undefined,
  isPost: boolean,
): Promise<Page | { location: string }> {
  const record = store.sessionsBySecret.get(secret);
  if (!record) return notFoundPage();
  if (isExpired(store, record)) return expiredPage(record);
  const ctx = portalContext(store, record);
  try {
    if (!isPost) return view(ctx, sub, url.searchParams);
    act(ctx, sub as PortalAction, new URLSearchParams(await readBody(req)));
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    return errorPage(ctx, error.message, 409);
  }
  // Post/redirect/get: back to the app for after_completion=redirect, else to a confirmation.
  return {
    location:
      ctx.flow?.after === "redirect" && ctx.flow.redirectUrl ? ctx.flow.redirectUrl : `${ctx.base}/done?action=${sub}`,
  };
}

// False when the request is not for the portal, so the caller routes it on.
export async function handlePortal(
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const match = PATH.exec(url.pathname);
  const method = req.method ?? "GET";
  const sub = match?.[2];
  const isPost = method === "POST" && sub !== undefined && sub !== "done" && sub !== "home";
  if (!match) return false;
  if (method !== "GET" && !isPost) {
    res
      .writeHead(405, {
        Allow: sub === undefined || sub === "done" || sub === "home" ? "GET" : "GET, POST",
        "Content-Length": 0,
      })
      .end();
    return true;
  }
  countCall(store, isPost ? PAGE_POST_KEY : PAGE_VIEW_KEY, false);
  const result = await respond(store, req, url, decodeURIComponent(match[1] ?? ""), sub, isPost);
  if ("location" in result)
    res.writeHead(303, { Location: result.location, "Cache-Control": "no-store", "Content-Length": 0 }).end();
  else sendHtml(res, result.status, result.html);
  return true;
}
