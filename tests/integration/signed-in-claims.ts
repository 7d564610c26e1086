// Claims as a verified access token carries them, for integration tests that query as a user.
// Every query checks the token's session in auth.sessions, so each user gets one signed-in row.
import type postgres from "postgres";
import { TEST_PUBLISHABLE_KEY } from "./test-env.ts";

const sessionOf = (sub: string) => `33333333-3333-4333-8333-${sub.slice(-12)}`;

export const claimsFor = (sub: string) => ({
  sub,
  role: "authenticated" as const,
  aud: "authenticated" as const,
  exp: Math.floor(Date.now() / 1000) + 3600,
  session_id: sessionOf(sub),
});

export async function signInAll(sql: postgres.Sql, subs: string[]): Promise<void> {
  for (const sub of subs)
    await sql`insert into auth.sessions (id, user_id, created_at, updated_at, aal)
              values (${sessionOf(sub)}, ${sub}, now(), now(), 'aal1') on conflict do nothing`;
}

/** Signs every user of the database in (the seed's and any a test added). */
export async function signInEveryone(sql: postgres.Sql): Promise<void> {
  await signInAll(
    sql,
    (await sql<{ id: string }[]>`select id from auth.users`).map((u) => u.id),
  );
}

/** A real access token from the Auth stand-in, signed in as a seeded user (supabase/seed.sql: password123). */
export async function passwordSignIn(authUrl: string, email = "owner@acme.test"): Promise<string> {
  const res = await fetch(`${authUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: TEST_PUBLISHABLE_KEY, "content-type": "application/json" },
    body: JSON.stringify({ email, password: "password123" }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
