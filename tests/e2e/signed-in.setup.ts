// The "setup" project, run before the local suite: from the seed (the stack may be one an earlier
// run left dirty), signs each demo user in through the login page and saves the browser's state
// for tests to start from (fixtures.ts), then snapshots the database with those sessions in it,
// so that every reset brings them back.
import { test as setup } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { takeSnapshot } from "../../dev/db-snapshot.ts";
import { DEMO_USERS, signedInAs } from "./demo-users";
import { resetStack, SEED_SNAPSHOT, SIGNED_IN_SNAPSHOT } from "./reset";
import { realStripeTestMode } from "./stack";
import { signIn, stackDatabaseUrl } from "./support";

setup("sign each demo user in once, for the tests to reuse", async ({ browser }) => {
  setup.skip(realStripeTestMode, "the local suite is skipped with a real Stripe key");
  const sql = postgres(stackDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    await resetStack(sql, SEED_SNAPSHOT);
    await mkdir(path.dirname(signedInAs(DEMO_USERS[0])), { recursive: true });
    await Promise.all(
      DEMO_USERS.map(async (user) => {
        const context = await browser.newContext();
        await signIn(await context.newPage(), user);
        await context.storageState({ path: signedInAs(user) });
        await context.close();
      }),
    );
    await takeSnapshot(sql, SIGNED_IN_SNAPSHOT);
  } finally {
    await sql.end();
  }
});
