// npm run billing:sync — backfill every linked company's billing state from Stripe, for a
// first install or a repair. Reads the same environment as the app (.env.local included).
import { existsSync } from "node:fs";
import path from "node:path";

const envFile = path.join(import.meta.dirname, "..", ".env.local");
if (existsSync(envFile)) process.loadEnvFile(envFile);

const { linkedCompanies, syncCompanyBilling } = await import("@/lib/billing/sync");
const { syncCatalog } = await import("@/lib/billing/catalog-sync");
const { db } = await import("@/lib/db");

let failed = 0;
let planSyncFailed = false;
try {
  try {
    const c = await syncCatalog();
    console.log(
      `synced plans: ${c.prices} active recurring prices of ${c.products} products; ${c.deactivated} taken off offer`,
    );
  } catch (err) {
    planSyncFailed = true;
    console.error(`failed plans: ${err instanceof Error ? err.message : String(err)}`);
  }
  const companies = await linkedCompanies();
  const products = new Map();
  for (const company of companies) {
    try {
      const r = await syncCompanyBilling(company.id, company.customerId, products);
      const detail =
        r.outcome === "customer_deleted"
          ? "customer deleted in Stripe"
          : `${r.subscriptions.join(", ") || "no subscription"}; ${r.invoices} invoices; card ${r.card ?? "none"}`;
      console.log(`synced ${company.name} (${company.customerId}): ${detail}`);
    } catch (err) {
      failed++;
      console.error(
        `failed ${company.name} (${company.customerId}): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  console.log(`billing:sync done: ${companies.length - failed} of ${companies.length} companies synced`);
} finally {
  await db().end();
}
process.exit(failed || planSyncFailed ? 1 : 0);
