import "server-only";
import { after } from "next/server";
import { db, literal } from "@/lib/db";
import { errorFields, log } from "@/lib/log";

export type PortalAttempt = {
  userId: string | null;
  companyId: string | null;
  outcome: string;
  flow: string | null;
  userAgent: string | null;
};

/**
 * Records a portal attempt after the response has gone out, so the audit log adds nothing to
 * the click's latency. Each attempt is its own insert (retried on a transient failure), so a
 * burst of clicks loses none.
 */
export function auditPortalAttempt(attempt: PortalAttempt): void {
  after(() => insertAttempt(attempt));
}

export async function insertAttempt(attempt: PortalAttempt, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      // Simple protocol with literals: one round trip (a parameterised statement costs two with prepare:false).
      const values = [
        attempt.userId,
        attempt.companyId,
        attempt.outcome,
        attempt.flow,
        attempt.userAgent?.slice(0, 512) ?? null,
      ].map((v) => (v === null ? "null" : literal(v)));
      await db()
        .unsafe(
          `insert into public.portal_audit (user_id, company_id, outcome, flow, user_agent) values (${values.join(", ")})`,
        )
        .simple();
      return;
    } catch (err) {
      if (i >= tries) {
        log.error("audit.insert_failed", { ...attempt, ...errorFields(err) });
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}
