// API versions the stand-in answers to. Stripe refuses a Stripe-Version it never released
// ("Invalid Stripe API version: …"): the named releases are those stripe-node has pinned (its
// CHANGELOG); a plain date is one of the versions before releases had names.
import { ACCOUNT_API_VERSION } from "../objects/ids.ts";

const NAMED = new Set([
  "2024-09-30.acacia",
  "2024-10-28.acacia",
  "2024-11-20.acacia",
  "2024-12-18.acacia",
  "2025-01-27.acacia",
  "2025-02-24.acacia",
  "2025-03-31.basil",
  "2025-04-30.basil",
  "2025-05-28.basil",
  "2025-06-30.basil",
  "2025-07-30.basil",
  "2025-08-27.basil",
  "2025-09-30.clover",
  "2025-10-29.clover",
  "2025-11-17.clover",
  "2025-12-15.clover",
  "2026-01-28.clover",
  "2026-02-25.clover",
  "2026-03-25.dahlia",
  "2026-04-22.dahlia",
  "2026-05-27.dahlia",
  "2026-06-24.dahlia",
  "2026-07-29.dahlia",
  "2026-08-26.dahlia",
  "2026-09-30.endive",
  ACCOUNT_API_VERSION,
]);

// Undated versions ended with 2024-09-30.acacia; each one is a real calendar date before it.
function isLegacyDate(version: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) return false;
  const date = new Date(`${version}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(version) && version < "2024-09-30";
}

export const isKnownApiVersion = (version: string) => NAMED.has(version) || isLegacyDate(version);
