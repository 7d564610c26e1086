import { fail, pass, warn, type DoctorCheck } from "@/lib/billing/doctor/types";
import { webhookUrl } from "@/lib/billing/doctor/checks/webhook-endpoint";

/** A live subscription hears from Stripe at least at every monthly renewal. */
const QUIET_DAYS = 35;

export const eventsArrivedCheck: DoctorCheck = {
  id: "events-arrived",
  title: "Events arriving",
  needs: ["migrations"],
  async run(ctx) {
    const [row] = await ctx.sql<{ newest: Date | null; type: string | null; live: number }[]>`
      select e.received_at as newest, e.type,
             (select count(*)::int from public.billing_subscriptions
               where status in ('active', 'trialing', 'past_due', 'unpaid')) as live
      from (select 1) one
      left join lateral (select received_at, type from public.stripe_events order by received_at desc limit 1) e on true`;
    const url = webhookUrl(ctx.env.appUrl);
    if (!row?.newest)
      return fail(
        "no Stripe event has reached this app yet",
        `Locally: stripe listen --forward-to ${url} (put the whsec_… it prints in STRIPE_WEBHOOK_SECRET), then stripe trigger customer.subscription.updated. ` +
          "Deployed: add the webhook endpoint (see above) and send a test event from Dashboard → Developers → Webhooks.",
      );
    const days = (Date.now() - row.newest.getTime()) / 86_400_000;
    const when = `${row.newest.toISOString()} (${row.type})`;
    if (row.live > 0 && days > QUIET_DAYS)
      return warn(
        `the newest event arrived ${Math.floor(days)} days ago, ${when}, though ${row.live} subscriptions are live`,
        "Renewals send events every billing period: check the webhook endpoint and deliveries above, then npm run billing:reconcile.",
      );
    return pass(`the newest arrived ${when}`);
  },
};
