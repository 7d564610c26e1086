import "server-only";
import { env } from "@/lib/env";
import { type BillingFailure, failure } from "@/lib/billing/errors";
import { resolveReturnUrl } from "@/lib/billing/return-url";

// What the portal click and the Subscribe click decide alike, before each goes its own way.

/**
 * Where the person comes back to: `returnUrl` if it is allowed, else refused; without one, the
 * company's billing page. Checked once before the database (a refused URL takes no rate-limit
 * slot), and again for the company the database resolved.
 */
export function returnTarget(returnUrl: string | undefined) {
  const e = env();
  return (companyId: string) =>
    resolveReturnUrl(returnUrl, {
      appUrl: e.appUrl,
      allowedOrigins: e.allowedReturnOrigins,
      fallbackPath: `/billing?company=${companyId}`,
    });
}

/**
 * The one company a click is about, from the caller's memberships its access query returned: none
 * is company_not_found; several without a companyId is invalid_request, naming what to send.
 */
export function oneCompany<Row>(
  rows: Row[],
  askedFor: string | undefined,
  words: { noCompany: string; several: string },
): { ok: true; row: Row } | { ok: false; error: BillingFailure } {
  if (rows.length === 0)
    return { ok: false, error: failure("company_not_found", askedFor ? undefined : words.noCompany) };
  if (rows.length > 1) return { ok: false, error: failure("invalid_request", words.several) };
  return { ok: true, row: rows[0]! };
}
