// GET /api/cron/reconcile - Vercel Cron (vercel.json): replay undelivered Stripe events and read
// stale companies' billing again. Authorization: Bearer <CRON_SECRET>, else 401.
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { billingErrors, failure, statusOf } from "@/lib/billing/errors";
import { codeOf, reconcileBilling, type ReconcileReport } from "@/lib/billing/reconcile";
import { isCronRequest } from "@/lib/cron-auth";
import { errorFields, log } from "@/lib/log";

// 300 s is what every Vercel plan allows a function (Hobby's ceiling with fluid compute). The
// run starts no company after 240 s; the next run picks up the rest, longest unread first.
export const maxDuration = 300;
const BUDGET_MS = 240_000;

export async function GET(request: Request) {
  if (!isCronRequest(request)) {
    const refused = failure(
      "unauthenticated",
      "This endpoint is for Vercel Cron: send Authorization: Bearer <CRON_SECRET>.",
    );
    return NextResponse.json({ error: refused.message, code: refused.code }, { status: 401 });
  }
  let report: ReconcileReport;
  try {
    report = await reconcileBilling({ staleAfterMinutes: env().reconcileStaleAfterMinutes, budgetMs: BUDGET_MS });
  } catch (err) {
    log.error("reconcile.failed", errorFields(err));
    const code = codeOf(err);
    return NextResponse.json({ error: billingErrors[code].message, code }, { status: statusOf(code) });
  }
  log.info("reconcile.done", {
    companies: report.companies.length,
    changed: report.companies.filter((c) => c.outcome === "changed").length,
    failed: report.companies.filter((c) => c.outcome === "failed").length,
    deferred: report.deferred,
  });
  // A run that could not do part of its work says so with the first failure's code.
  const failedCode =
    (report.replay && "error" in report.replay ? report.replay.error : undefined) ??
    report.companies.find((c) => c.error)?.error;
  if (!failedCode) return NextResponse.json(report);
  return NextResponse.json(
    { error: billingErrors[failedCode].message, code: failedCode, ...report },
    { status: statusOf(failedCode) },
  );
}
