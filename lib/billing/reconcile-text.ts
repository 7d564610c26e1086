import type { ReconcileReport } from "@/lib/billing/reconcile";

/** The report as lines a person reads: what changed, company by company. */
export function describeReconcile(report: ReconcileReport): string[] {
  const lines: string[] = [];
  const { replay } = report;
  if (replay && "error" in replay) lines.push(`replay: failed (${replay.error}); companies are still read again`);
  else if (replay) {
    const outcomes = Object.entries(replay.outcomes).map(([o, n]) => `${n} ${o}`);
    lines.push(
      `replay: ${replay.listed} undelivered event${replay.listed === 1 ? "" : "s"} since ${replay.since}` +
        (outcomes.length ? ` (${outcomes.join(", ")})` : ""),
    );
    for (const s of replay.skipped)
      lines.push(`  skipped ${s.event}: made in API version ${s.apiVersion ?? "unknown"}; its customer is read again`);
  }
  for (const c of report.companies) {
    const head = `${c.name} (${c.customerId})`;
    if (c.outcome === "failed") lines.push(`${head}: failed (${c.error})`);
    else if (c.outcome === "unchanged") lines.push(`${head}: unchanged`);
    else lines.push(`${head}: ${c.changes.map((ch) => `${ch.field} ${ch.before} → ${ch.after}`).join("; ")}`);
  }
  const changed = report.companies.filter((c) => c.outcome === "changed").length;
  const failed = report.companies.filter((c) => c.outcome === "failed").length;
  lines.push(
    `billing:reconcile done: ${report.companies.length} companies read again, ${changed} changed, ${failed} failed` +
      (report.deferred ? `, ${report.deferred} left for the next run` : ""),
  );
  return lines;
}
