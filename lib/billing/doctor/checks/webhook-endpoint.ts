import Stripe from "stripe";
import { redact } from "@/lib/log";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhooks/event-types";
import { STRIPE_API_VERSION } from "@/lib/stripe";
import { fail, pass, warn, type DoctorCheck } from "@/lib/billing/doctor/types";
import { stripeAccessProblem } from "@/lib/billing/doctor/checks/stripe-problem";

export const webhookUrl = (appUrl: string) => `${appUrl}/api/stripe/webhook`;

/** Stripe can't reach these; events come through `stripe listen` instead of an endpoint. */
const isLocal = (appUrl: string) => /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(new URL(appUrl).host);

/** Why an endpoint would not keep the app current: disabled, events missing, another API version. */
export function webhookEndpointProblems(endpoint: Stripe.WebhookEndpoint): string[] {
  const problems: string[] = [];
  if (endpoint.status !== "enabled") problems.push(`it is ${endpoint.status}`);
  const subscribed = new Set(endpoint.enabled_events);
  const missing = subscribed.has("*") ? [] : HANDLED_EVENT_TYPES.filter((t) => !subscribed.has(t));
  if (missing.length) problems.push(`it is not subscribed to ${missing.join(", ")}`);
  // Events are rendered in the endpoint's version; the handlers read ours.
  if (endpoint.api_version && endpoint.api_version !== STRIPE_API_VERSION)
    problems.push(`it sends events in API version ${endpoint.api_version}, the app reads ${STRIPE_API_VERSION}`);
  return problems;
}

const createCommand = (url: string) =>
  `stripe webhook_endpoints create --url ${url} --api-version ${STRIPE_API_VERSION} ` +
  HANDLED_EVENT_TYPES.map((t) => `-d "enabled_events[]=${t}"`).join(" ");

export const webhookEndpointCheck: DoctorCheck = {
  id: "webhook-endpoint",
  title: "Webhook endpoint",
  needs: ["stripe-key"],
  async run(ctx) {
    const url = webhookUrl(ctx.env.appUrl);
    if (!ctx.env.stripeWebhookSecret)
      return fail(
        "STRIPE_WEBHOOK_SECRET is not set, so every delivery is refused",
        `Set it to the signing secret of the endpoint ${url} (Dashboard → Developers → Webhooks → the endpoint → Signing secret), or to the whsec_… that stripe listen prints.`,
      );
    let endpoints: Stripe.WebhookEndpoint[];
    try {
      endpoints = await ctx.stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    } catch (err) {
      const problem = stripeAccessProblem(err);
      if (problem) return problem;
      if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
      return fail(
        `Stripe would not list webhook endpoints (${redact(err.message)})`,
        "Against Stripe, this is the key's permissions (Webhook endpoints: Read). With STRIPE_API_BASE set, that server does not serve /v1/webhook_endpoints.",
      );
    }
    const ours = endpoints.filter((e) => e.url === url);
    if (!ours.length)
      return isLocal(ctx.env.appUrl)
        ? warn(
            `no endpoint for ${url}: fine while Stripe CLI forwards events to this machine`,
            `Run stripe listen --forward-to ${url} and put the whsec_… it prints in STRIPE_WEBHOOK_SECRET.`,
          )
        : fail(
            `Stripe has no webhook endpoint for ${url}, so the billing page never hears of changes`,
            `Add it in Dashboard → Developers → Webhooks with the events ${HANDLED_EVENT_TYPES.join(", ")}, or run:\n${createCommand(url)}\nThen set STRIPE_WEBHOOK_SECRET to its signing secret.`,
          );
    const best = ours.find((e) => !webhookEndpointProblems(e).length);
    if (best)
      return pass(
        `${best.id} for ${url} is enabled and subscribed to the ${HANDLED_EVENT_TYPES.length} event types the app handles`,
      );
    const endpoint = ours.find((e) => e.status === "enabled") ?? ours[0]!;
    return fail(
      `${endpoint.id} for ${url}: ${webhookEndpointProblems(endpoint).join("; ")}`,
      `In Dashboard → Developers → Webhooks → ${endpoint.id}: enable it and select the events ${HANDLED_EVENT_TYPES.join(", ")}. ` +
        `An endpoint's API version can't be changed: create a new one (${createCommand(url)}) and use its signing secret.`,
    );
  },
};
