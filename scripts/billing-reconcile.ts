// npm run billing:reconcile — replay the events Stripe failed to deliver, then read again every
// linked company whose billing is older than RECONCILE_STALE_AFTER_MINUTES, and print what
// changed. Flags: --stale-after=<minutes> (0: every company), --limit=<companies>,
// --no-replay, --json. Exit 1 if a company failed. Reads the app's environment (.env.local too).
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const envFile = path.join(import.meta.dirname, "..", ".env.local");
if (existsSync(envFile)) process.loadEnvFile(envFile);

const { values: args } = parseArgs({
  options: {
    "stale-after": { type: "string" },
    limit: { type: "string" },
    "no-replay": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const whole = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    console.error(`--${flag} must be a whole number`);
    process.exit(2);
  }
  return Number(value);
};
const staleAfter = whole("stale-after", args["stale-after"]);
const limit = whole("limit", args.limit);

const { env } = await import("@/lib/env");
const { reconcileBilling } = await import("@/lib/billing/reconcile");
const { describeReconcile } = await import("@/lib/billing/reconcile-text");
const { db } = await import("@/lib/db");

let failed = false;
try {
  const report = await reconcileBilling({
    staleAfterMinutes: staleAfter ?? env().reconcileStaleAfterMinutes,
    maxCompanies: limit,
    replay: !args["no-replay"],
  });
  failed = report.companies.some((c) => c.outcome === "failed") || (!!report.replay && "error" in report.replay);
  console.log(args.json ? JSON.stringify(report, null, 2) : describeReconcile(report).join("\n"));
} catch (err) {
  failed = true;
  console.error(`billing:reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await db().end();
}
process.exit(failed ? 1 : 0);
