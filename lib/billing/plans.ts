// Plans as the billing page shows them: one card per product, with a choice of billing
// intervals (monthly and yearly when both exist). Pure: rows come from private.offered_plans.

export type PlanInterval = "day" | "week" | "month" | "year";

/** One price on offer, as the page query returns it. */
export type OfferedPrice = {
  priceId: string;
  productId: string;
  productName: string;
  description: string | null;
  features: string[];
  amount: number;
  currency: string;
  interval: PlanInterval;
  intervalCount: number;
  trialDays: number | null;
};

export type PlanOption = Pick<
  OfferedPrice,
  "priceId" | "amount" | "currency" | "interval" | "intervalCount" | "trialDays"
>;

export type Plan = {
  productId: string;
  name: string;
  description: string | null;
  features: string[];
  /** Monthly first, then yearly, then anything else by period length. */
  options: PlanOption[];
};

const DAYS: Record<PlanInterval, number> = { day: 1, week: 7, month: 30, year: 365 };
const periodDays = (o: Pick<PlanOption, "interval" | "intervalCount">) => DAYS[o.interval] * o.intervalCount;
const rank = (o: PlanOption) =>
  o.intervalCount === 1 && o.interval === "month" ? 0 : o.intervalCount === 1 && o.interval === "year" ? 1 : 2;

/** Per 30 days, to put plans in order of price whatever interval they are sold at. */
const monthlyEquivalent = (o: PlanOption) => (o.amount / periodDays(o)) * 30;

export function groupPlans(prices: readonly OfferedPrice[]): Plan[] {
  const byProduct = new Map<string, Plan>();
  for (const p of prices) {
    const plan = byProduct.get(p.productId) ?? {
      productId: p.productId,
      name: p.productName,
      description: p.description,
      features: p.features,
      options: [],
    };
    plan.options.push({
      priceId: p.priceId,
      amount: p.amount,
      currency: p.currency,
      interval: p.interval,
      intervalCount: p.intervalCount,
      trialDays: p.trialDays,
    });
    byProduct.set(p.productId, plan);
  }
  const plans = [...byProduct.values()];
  for (const plan of plans)
    plan.options.sort((a, b) => rank(a) - rank(b) || periodDays(a) - periodDays(b) || a.amount - b.amount);
  const cheapest = (plan: Plan) => Math.min(...plan.options.map(monthlyEquivalent));
  return plans.sort((a, b) => cheapest(a) - cheapest(b) || a.name.localeCompare(b.name));
}

/** How much cheaper paying yearly is than twelve monthly payments, in whole percent (same currency only). */
export function yearlySavingPercent(plan: Plan): number | null {
  const monthly = plan.options.find((o) => o.interval === "month" && o.intervalCount === 1);
  const yearly = plan.options.find(
    (o) => o.interval === "year" && o.intervalCount === 1 && o.currency === monthly?.currency,
  );
  if (!monthly || !yearly || monthly.amount <= 0) return null;
  const saving = Math.floor((1 - yearly.amount / (monthly.amount * 12)) * 100);
  return saving > 0 ? saving : null;
}

/** "month", "year", "3 months": the period one payment covers. */
export function periodLabel(o: Pick<PlanOption, "interval" | "intervalCount">): string {
  return o.intervalCount === 1 ? o.interval : `${o.intervalCount} ${o.interval}s`;
}

// Stripe metadata flags, set on a product or a price in the Dashboard or with the CLI.
// Stripe has no trial field on prices in current API versions, so a plan's trial lives here.

type Metadata = Record<string, string> | null | undefined;

/** metadata.trial_days: whole days from 1 to 730 (Stripe's limit); anything else means no trial. */
export function trialDaysFrom(metadata: Metadata): number | null {
  const raw = metadata?.trial_days?.trim();
  if (!raw || !/^\d{1,3}$/.test(raw)) return null;
  const days = Number(raw);
  return days >= 1 && days <= 730 ? days : null;
}

/** metadata.billing_plan = "false" on a product: sold some other way, never listed as a plan. */
export function hiddenFrom(metadata: Metadata): boolean {
  return metadata?.billing_plan?.trim().toLowerCase() === "false";
}
