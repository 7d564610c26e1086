import "server-only";
import { after } from "next/server";
import { literal, runSimple } from "@/lib/db";
import { UnavailableError } from "@/lib/billing/errors";
import { errorFields, log } from "@/lib/log";

export type PortalAttempt = {
  /** The click's id: a click that took a rate-limit slot already has its 'started' row under it. */
  attemptId: string;
  userId: string | null;
  companyId: string | null;
  outcome: string;
  flow: string | null;
  userAgent: string | null;
};

/** How long an attempt is retried while the database is away, before it is only logged. */
export const AUDIT_RETRY_WINDOW_MS = 30_000;

/** What goes in the audit's text columns: bounded, and nothing PostgreSQL text cannot hold. */
export function auditText(value: string | null, max: number): string | null {
  return value === null ? null : value.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, max);
}

/**
 * Records a portal attempt after the response has gone out, so the audit adds nothing to the
 * click's latency; see the migration 20261126000200 for what is recorded where.
 */
export function auditPortalAttempt(attempt: PortalAttempt): void {
  after(() => recordPortalAttempt(attempt));
}

/**
 * Completes the click's 'started' row with its outcome or, for a click that took no slot, counts
 * it in its (user, company, outcome, minute) row. One statement, one round trip. While the
 * database is away it is retried, backing off from 100 ms to 2 s, for `windowMs`.
 */
export async function recordPortalAttempt(
  attempt: PortalAttempt,
  { windowMs = AUDIT_RETRY_WINDOW_MS } = {},
): Promise<boolean> {
  const started = performance.now();
  for (let retry = 0; ; retry++) {
    try {
      await runSimple([], [recordStatement(attempt)]);
      if (retry > 0) log.info("audit.recorded_late", { attemptId: attempt.attemptId, retry, ms: elapsed(started) });
      return true;
    } catch (err) {
      const wait = Math.min(100 * 2 ** retry, 2000);
      if (!(err instanceof UnavailableError) || elapsed(started) + wait > windowMs) {
        log.error("audit.insert_failed", { ...attempt, retry, ms: elapsed(started), ...errorFields(err) });
        return false;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

const elapsed = (since: number) => Math.round(performance.now() - since);

// Simple protocol with literals: one round trip (a parameterised statement costs two with prepare:false).
function recordStatement(a: PortalAttempt): string {
  const v = (value: string | null) => (value === null ? "null" : literal(value));
  const outcome = v(a.outcome.slice(0, 64));
  return `with completed as (
      update public.portal_audit set outcome = ${outcome}, flow = coalesce(${v(auditText(a.flow, 64))}, flow)
      where attempt_id = ${v(a.attemptId)}::uuid returning id
    )
    insert into public.portal_audit (user_id, company_id, outcome, flow, user_agent, minute)
    select ${v(a.userId)}::uuid, ${v(a.companyId)}::uuid, ${outcome}, ${v(auditText(a.flow, 64))},
           ${v(auditText(a.userAgent, 512))}, date_trunc('minute', now())
    where not exists (select from completed)
    on conflict (user_id, company_id, outcome, minute) where minute is not null
    do update set attempts = public.portal_audit.attempts + 1, last_attempt_at = now()`;
}
