// The portal's action pages: each is one plain HTML form that POSTs back to
// the session, plus the confirmation and error pages that follow a POST.
import { activePrices, periodName, planName } from "../billing/catalog.ts";
import { BRAND_NAMES, TEST_CARDS } from "../objects/payment-method.ts";
import { itemOf, periodOf } from "../objects/subscription.ts";
import type { SubscriptionObject } from "../state/types.ts";
import type { Page } from "./html.ts";
import { button, escape, formatDate, formatMoney } from "./html.ts";
import type { PortalContext } from "./portal-pages.ts";
import { portalLayout } from "./portal-pages.ts";

export type PortalAction = "cancel" | "plan" | "payment-method";

// Flow sessions are limited to their flow, so only the homepage offers a way back.
const backLink = (ctx: PortalContext) =>
  ctx.flow ? "" : `<p><a data-testid="portal-home" href="${escape(ctx.base)}">Back to the portal</a></p>`;

export function cancelPage(ctx: PortalContext, subscription: SubscriptionObject): Page {
  const body = `<section aria-labelledby="cancel-heading"><h2 id="cancel-heading">Cancel your plan</h2>
<p>Your ${escape(planName(ctx.store, itemOf(subscription).price.id))} subscription will be canceled. It stays available until the end of your billing period on ${formatDate(periodOf(subscription).end)}.</p>
${button("post", `${ctx.base}/cancel`, "Confirm cancellation", { subscription: subscription.id })}
${backLink(ctx)}</section>`;
  return portalLayout(ctx, "Cancel subscription · Customer portal", body);
}

export function planPage(ctx: PortalContext, subscription: SubscriptionObject): Page {
  const current = itemOf(subscription).price.id;
  const options = activePrices(ctx.store)
    .map((price) => {
      const label = `${escape(planName(ctx.store, price.id))} · ${formatMoney(price.unit_amount ?? 0)} per ${periodName(price)}`;
      const action =
        price.id === current
          ? `<span data-testid="portal-current-plan">Current plan</span>`
          : button("post", `${ctx.base}/plan`, `Switch to ${planName(ctx.store, price.id)}`, {
              subscription: subscription.id,
              price: price.id,
            });
      return `<li>${label} ${action}</li>`;
    })
    .join("\n");
  const body = `<section aria-labelledby="plan-heading"><h2 id="plan-heading">Update plan</h2><ul>${options}</ul>${backLink(ctx)}</section>`;
  return portalLayout(ctx, "Update plan · Customer portal", body);
}

export function cardPage(ctx: PortalContext): Page {
  const options = TEST_CARDS.map(
    (card) =>
      `<li>${button("post", `${ctx.base}/payment-method`, `Use ${BRAND_NAMES[card.brand]} ending ${card.last4}`, { card: card.brand })}</li>`,
  ).join("\n");
  const body = `<section aria-labelledby="pm-heading"><h2 id="pm-heading">Update payment method</h2>
<p>Choose a test card to add. It becomes the default for future payments.</p><ul>${options}</ul>${backLink(ctx)}</section>`;
  return portalLayout(ctx, "Update payment method · Customer portal", body);
}

const DONE: Record<PortalAction, string> = {
  cancel: "Your subscription has been canceled. It stays active until the end of the billing period.",
  plan: "Your plan has been updated.",
  "payment-method": "Your payment method has been updated.",
};

export function donePage(ctx: PortalContext, action: PortalAction): Page {
  const custom =
    ctx.flow?.after === "hosted_confirmation" && ctx.flow.message
      ? `<p data-testid="portal-custom-message">${escape(ctx.flow.message)}</p>`
      : "";
  // After a flow, only after_completion=portal_homepage leads on to the homepage.
  const href = ctx.flow ? `${ctx.base}/home` : ctx.base;
  const home =
    ctx.flow && ctx.flow.after !== "portal_homepage"
      ? ""
      : `<p><a data-testid="portal-home" href="${escape(href)}">Back to the portal</a></p>`;
  const body = `<p role="status" data-testid="portal-confirmation">${escape(DONE[action])}</p>${custom}${home}`;
  return portalLayout(ctx, "Done · Customer portal", body);
}

export function errorPage(ctx: PortalContext, message: string, status: number): Page {
  const body = `<p role="alert" data-testid="portal-error">${escape(message)}</p>${backLink(ctx)}`;
  return portalLayout(ctx, "Error · Customer portal", body, status);
}
