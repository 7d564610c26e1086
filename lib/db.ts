import "server-only";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { env } from "@/lib/env";
import type { Claims } from "@/lib/auth";
import { whileSignedIn } from "@/lib/auth/session-ended";

// prepare:false because Supabase's transaction pooler (port 6543) can't keep prepared statements.
let pool: postgres.Sql | undefined;

export function db(): postgres.Sql {
  pool ??= postgres(env().databaseUrl, {
    prepare: false,
    max: 5,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
  });
  return pool;
}

/**
 * Runs one statement as the signed-in user, the way PostgREST does: as role `authenticated`
 * with request.jwt.claims set, so row level security decides what is visible. First it checks
 * that the token's session is still signed in (auth.sessions): a token whose session was
 * signed out gets nothing, whatever statement it came for (SessionEndedError).
 *
 * Everything travels in ONE simple-protocol message, which PostgreSQL runs as one implicit
 * transaction (rolled back whole if any part fails): one network round trip. With
 * prepare:false, postgres.js would spend an extra round trip describing every parameterised
 * statement, so inputs go in as transaction settings (`app.<name>`) that the statement reads
 * with current_setting(), and the statement itself is a constant.
 */
export async function asUser<Row extends object>(
  claims: Claims,
  statement: string,
  settings: Record<string, string | null> = {},
): Promise<Row[]> {
  if (statement.includes(";")) throw new Error("asUser runs exactly one statement");
  const configs = [
    `set_config('role', 'authenticated', true)`,
    `set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true)`,
    ...Object.entries(settings).map(([name, value]) => {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`bad setting name: ${name}`);
      return `set_config('app.${name}', ${literal(value ?? "")}, true)`;
    }),
  ];
  const query = db()
    .unsafe(`select ${configs.join(", ")};\nselect private.assert_session_active();\n${statement}`)
    .simple();
  // A multi-statement simple query resolves to one result per statement.
  const results = (await whileSignedIn(query)) as unknown as postgres.RowList<Row[]>[];
  return [...(results[2] ?? [])];
}

/**
 * A dollar-quoted literal: PostgreSQL reads everything up to the closing tag verbatim, with no
 * escape rules that depend on server settings. The random tag is checked not to occur inside.
 */
export function literal(value: string): string {
  if (value.includes("\u0000")) throw new Error("text values cannot contain NUL");
  let tag: string;
  do tag = `v${randomBytes(8).toString("hex")}`;
  while (value.includes(`$${tag}$`));
  return `$${tag}$${value}$${tag}$`;
}
