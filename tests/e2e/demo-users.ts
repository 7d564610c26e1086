import path from "node:path";

/** The seed's logins (supabase/seed.sql), all with the password "password123". */
export const DEMO_USERS = [
  "owner@acme.test",
  "admin@acme.test",
  "billing@acme.test",
  "member@acme.test",
  "owner@globex.test",
  "both@example.test",
  "owner@initech.test",
  "owner@umbrella.test",
] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

const STATE_DIR = path.join(import.meta.dirname, "..", "..", ".dev", "e2e-signed-in");

/** The browser state the setup project saved after signing this user in through the login page. */
export const signedInAs = (user: DemoUser) => path.join(STATE_DIR, `${user}.json`);
