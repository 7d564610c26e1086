import "server-only";
import { redact } from "@/lib/log";
import { fail, skip, type CheckResult, type DoctorCheck, type DoctorContext } from "@/lib/billing/doctor/types";

export type CheckReport = { id: string; title: string } & CheckResult;
export type DoctorReport = { ok: boolean; checks: CheckReport[] };

/**
 * Runs every check once, in parallel as far as `needs` allows. A check that throws is a
 * failure of that check (its message redacted), never of the run.
 */
export async function runDoctor(checks: DoctorCheck[], ctx: DoctorContext): Promise<DoctorReport> {
  const results = new Map<string, Promise<CheckResult>>();
  const start = (check: DoctorCheck): Promise<CheckResult> => {
    const existing = results.get(check.id);
    if (existing) return existing;
    const result = (async () => {
      const needed = await Promise.all(
        (check.needs ?? []).map(async (id) => {
          const dependency = checks.find((c) => c.id === id);
          return dependency ? { title: dependency.title, result: await start(dependency) } : null;
        }),
      );
      const failed = needed.filter((n) => n && n.result.status !== "pass" && n.result.status !== "warn");
      if (failed.length) return skip(`needs: ${failed.map((n) => n!.title).join(", ")}`);
      try {
        return await check.run(ctx);
      } catch (err) {
        return fail(
          `the check could not run: ${redact(err instanceof Error ? err.message : String(err))}`,
          "Fix what the message names, then run the doctor again.",
        );
      }
    })();
    results.set(check.id, result);
    return result;
  };
  const settled = await Promise.all(checks.map(start));
  const reports = checks.map((c, i) => ({ id: c.id, title: c.title, ...settled[i]! }));
  return { ok: reports.every((r) => r.status !== "fail"), checks: reports };
}

const marks = { pass: "✓", warn: "!", fail: "✗", skip: "-" } as const;

export function describeDoctor(report: DoctorReport): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${marks[c.status]} ${c.title}: ${c.summary}`);
    if ("fix" in c) lines.push(...c.fix.split("\n").map((l, i) => `    ${i === 0 ? "Fix: " : "     "}${l}`));
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  lines.push(
    "",
    failed
      ? `${failed} problem${failed === 1 ? "" : "s"} to fix${warned ? `, ${warned} to look at` : ""}.`
      : warned
        ? `No problem; ${warned} to look at.`
        : "Everything checks out.",
  );
  return lines;
}
