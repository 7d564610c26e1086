import "server-only";
import { transaction } from "@/lib/db";
import { errorFields, log } from "@/lib/log";
import { UnavailableError, type BillingErrorCode } from "@/lib/billing/errors";
import { billingSnapshot, diffSnapshots, type FieldChange } from "@/lib/billing/reconcile-snapshot";
import { replayUndeliveredEvents, type ReplayReport } from "@/lib/billing/reconcile-replay";
import { failureFromStripe } from "@/lib/billing/stripe-errors";
import { syncCompanyBilling } from "@/lib/billing/sync";

// Billing that heals itself: what webhooks missed, reconcile fetches. Everything it writes
// goes through the same versioned writes as the webhook, so running it twice, or next to
// live deliveries, changes nothing more.

export type ReconcileOptions = {
  /** A company whose billing was last written longer ago than this is read again. 0: all. */
  staleAfterMinutes: number;
  /** At most this many companies a run, the longest unread first; the next run goes on. */
  maxCompanies?: number;
  /** Replay events Stripe failed to deliver first (the default). */
  replay?: boolean;
  /** Start no new company after this long, so a cron run ends within its function's limit. */
  budgetMs?: number;
};

export type CompanyResult = {
  companyId: string;
  name: string;
  customerId: string;
  outcome: "unchanged" | "changed" | "failed";
  changes: FieldChange[];
  error?: BillingErrorCode;
};

export type ReconcileReport = {
  /** null when not asked for; `{ error }` when Stripe could not list the events. */
  replay: ReplayReport | { error: BillingErrorCode } | null;
  companies: CompanyResult[];
  /** Stale companies left for the next run (over maxCompanies or the time budget). */
  deferred: number;
};

const CONCURRENCY = 4;

export async function reconcileBilling(opts: ReconcileOptions): Promise<ReconcileReport> {
  const started = Date.now();
  const replay = opts.replay === false ? null : await replayUndeliveredEvents().catch(failedStep);
  const skipped = replay && "skipped" in replay ? replay.skipped : [];
  const reread = new Set(skipped.map((s) => s.customerId).filter((c): c is string => !!c));
  const due = await staleCompanies(opts.staleAfterMinutes, [...reread]);
  const batch = due.slice(0, opts.maxCompanies ?? 500);
  const companies: CompanyResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batch.length && Date.now() - started < (opts.budgetMs ?? Infinity)) {
      companies.push(await refreshCompany(batch[next++]!));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  companies.sort((a, b) => a.name.localeCompare(b.name));
  return { replay, companies, deferred: due.length - companies.length };
}

type Linked = { id: string; name: string; customerId: string };

/** Linked companies whose billing was written from Stripe longest ago (never first). */
export async function staleCompanies(staleAfterMinutes: number, alsoCustomers: string[] = []): Promise<Linked[]> {
  return transaction(
    (tx) => tx<Linked[]>`
    select c.id, c.name, c.stripe_customer_id as "customerId"
    from public.companies c
    left join public.billing_customers bc on bc.company_id = c.id
    cross join lateral (select greatest(bc.synced_at,
      (select max(s.synced_at) from public.billing_subscriptions s where s.company_id = c.id)) as at) last
    where c.stripe_customer_id is not null
      and (last.at is null
           or last.at < now() - make_interval(mins => ${staleAfterMinutes})
           or c.stripe_customer_id = any(${alsoCustomers}::text[]))
    order by last.at nulls first, c.name`,
  );
}

async function refreshCompany(company: Linked): Promise<CompanyResult> {
  const base = { companyId: company.id, name: company.name, customerId: company.customerId };
  try {
    // Every read and write is bounded (transaction()): a database that hangs fails this company, not the run.
    const before = await transaction((tx) => billingSnapshot(tx, company.id));
    await syncCompanyBilling(company.id, company.customerId);
    const changes = diffSnapshots(before, await transaction((tx) => billingSnapshot(tx, company.id)));
    return { ...base, outcome: changes.length ? "changed" : "unchanged", changes };
  } catch (err) {
    log.error("reconcile.company_failed", { companyId: company.id, ...errorFields(err) });
    return { ...base, outcome: "failed", changes: [], error: codeOf(err) };
  }
}

function failedStep(err: unknown): { error: BillingErrorCode } {
  log.error("reconcile.replay_failed", errorFields(err));
  return { error: codeOf(err) };
}

export const codeOf = (err: unknown): BillingErrorCode =>
  err instanceof UnavailableError ? err.code : failureFromStripe(err).code;
