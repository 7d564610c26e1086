// A bad configuration value stops the production server at start, naming the variable, what is
// wrong with the value and the fix, instead of staying up and answering 500 on every route.
import { expect, test } from "./fixtures";
import { localStackEnv } from "../../dev/local-stack.ts";
import { nextUntilExit } from "./next-server";
import { ports } from "./stack";

const port = 3103 + Number(process.env.E2E_PORT_OFFSET ?? 0);

for (const [variable, value, says] of [
  ["PORTAL_RATE_LIMIT_PER_MINUTE", "100000", "PORTAL_RATE_LIMIT_PER_MINUTE is over the maximum of 1000"],
  ["STRIPE_TIMEOUT_MS", "500", "STRIPE_TIMEOUT_MS is under the minimum of 1000"],
  ["CLICK_DEADLINE_MS", "ten seconds", 'CLICK_DEADLINE_MS is "ten seconds", which is not a whole number'],
  ["DATABASE_URL", "mysql://db.example.com/app", "DATABASE_URL must be a postgres:// connection string"],
] as const) {
  test(`${variable}=${value}: the server exits at start, saying what to fix`, async () => {
    const { code, output } = await nextUntilExit(port, {
      ...localStackEnv({ ...ports, app: port }),
      [variable]: value,
    });
    expect(code).not.toBe(0);
    expect(output).toContain(says);
    expect(output).toContain("See .env.local.example");
  });
}
