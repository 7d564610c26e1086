import { handledTypesFilter } from "@/lib/billing/reconcile-replay";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhooks/event-types";
import { fail, pass, type DoctorCheck } from "@/lib/billing/doctor/types";
import { stripeAccessProblem } from "@/lib/billing/doctor/checks/stripe-problem";
import { webhookUrl } from "@/lib/billing/doctor/checks/webhook-endpoint";

const LOOK_BACK_DAYS = 3;
// Younger events may simply be on their way.
const IN_FLIGHT_SECONDS = 300;

/**
 * Events Stripe could not deliver that the app never recorded. A wrong signing secret looks
 * exactly like this from Stripe's side: every delivery is answered 400.
 */
export const webhookDeliveriesCheck: DoctorCheck = {
  id: "webhook-deliveries",
  title: "Webhook deliveries",
  needs: ["stripe-key", "migrations"],
  async run(ctx) {
    const now = Math.floor(Date.now() / 1000);
    let undelivered;
    try {
      undelivered = await ctx.stripe.events.list({
        delivery_success: false,
        created: { gte: now - LOOK_BACK_DAYS * 86_400, lte: now - IN_FLIGHT_SECONDS },
        ...handledTypesFilter(),
        limit: 100,
      });
    } catch (err) {
      const problem = stripeAccessProblem(err);
      if (problem) return problem;
      throw err;
    }
    const handled = new Set<string>(HANDLED_EVENT_TYPES);
    const ids = undelivered.data.filter((e) => handled.has(e.type)).map((e) => e.id);
    const recorded = new Set(
      (await ctx.sql<{ id: string }[]>`select id from public.stripe_events where id = any(${ids}::text[])`).map(
        (r) => r.id,
      ),
    );
    const lost = undelivered.data.filter((e) => handled.has(e.type) && !recorded.has(e.id));
    if (!lost.length) return pass(`every event of the last ${LOOK_BACK_DAYS} days reached the app`);
    const newest = lost[0]!;
    return fail(
      `${lost.length}${undelivered.has_more ? "+" : ""} events of the last ${LOOK_BACK_DAYS} days never reached the app (newest: ${newest.type} ${newest.id}, ${new Date(newest.created * 1000).toISOString()})`,
      `The usual cause is a STRIPE_WEBHOOK_SECRET that is not the signing secret of ${webhookUrl(ctx.env.appUrl)}: every delivery is then refused with 400. ` +
        "Copy it from Dashboard → Developers → Webhooks → the endpoint → Signing secret and redeploy. Other causes: the app was down, or APP_URL moved. " +
        "Then npm run billing:reconcile replays them.",
    );
  },
};
