import type { AuditEntry } from "@/lib/billing/queries";
import { formatDateTime } from "./format";

export function AuditList({ entries }: { entries: AuditEntry[] }) {
  return (
    <section aria-labelledby="audit-heading" className="space-y-2">
      <h3 id="audit-heading" className="text-sm font-semibold">
        Recent portal attempts
      </h3>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">Nobody has opened the billing portal yet.</p>
      ) : (
        <table className="w-full text-left text-xs" aria-label="Recent portal attempts">
          <thead className="text-slate-500">
            <tr>
              <th className="font-normal">When</th>
              <th className="font-normal">Who</th>
              <th className="font-normal">Outcome</th>
              <th className="font-normal">Task</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i} className="border-t border-slate-100">
                <td>{formatDateTime(e.lastAttemptAt)}</td>
                <td>{e.email ?? "unknown"}</td>
                <td>
                  {/* "started": went on to Stripe, outcome not written (the database was away too long) */}
                  {e.outcome === "ok" ? "opened" : e.outcome}
                  {e.attempts > 1 && <span className="text-slate-500"> ×{e.attempts}</span>}
                </td>
                <td>{e.flow ?? "portal"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
