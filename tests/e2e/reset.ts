// The one reset every e2e test starts from (see fixtures.ts): the stand-ins back to their start,
// then the database rows back to the snapshot. In this order, so that no webhook delivery the
// Stripe stand-in still had in flight can land after the rows were restored.
import type postgres from "postgres";
import { restoreSnapshot } from "../../dev/db-snapshot.ts";
import { auth, stripe } from "./support";

/** Taken by dev/start.ts once the stack is migrated, seeded and synced with the Stripe stand-in. */
export const SEED_SNAPSHOT = "seed";
/** Taken by the setup project: the seed plus the demo users' signed-in sessions. */
export const SIGNED_IN_SNAPSHOT = "signed_in";

export async function resetStandIns(): Promise<void> {
  await Promise.all([stripe.resetToStart(), auth.resetCounters()]);
}

export async function resetStack(sql: postgres.Sql, snapshot = SIGNED_IN_SNAPSHOT): Promise<void> {
  await resetStandIns();
  await restoreSnapshot(sql, snapshot);
}
