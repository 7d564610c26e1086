import "server-only";
import postgres from "postgres";
import { env } from "@/lib/env";
import type { Claims } from "@/lib/auth";

// prepare:false because Supabase's transaction pooler (port 6543) can't keep prepared statements.
let pool: postgres.Sql | undefined;

export function db(): postgres.Sql {
  pool ??= postgres(env().databaseUrl, { prepare: false, max: 5, idle_timeout: 30, connect_timeout: 10, onnotice: () => {} });
  return pool;
}

/**
 * Runs one query as the signed-in user, the way PostgREST does: in a transaction, as role
 * `authenticated`, with request.jwt.claims set, so row level security decides what is visible.
 * begin, the settings, the query and commit are pipelined: one network round trip.
 */
export async function asUser<Row extends object>(
  claims: Claims,
  query: (sql: postgres.ReservedSql) => postgres.PendingQuery<Row[]>,
): Promise<Row[]> {
  const conn = await db().reserve();
  try {
    const results = await Promise.allSettled([
      conn`begin`,
      conn`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`,
      query(conn),
      // After a failed statement Postgres turns this commit into a rollback: nothing half-written.
      conn`commit`,
    ]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    const rows = results[2];
    return rows.status === "fulfilled" ? [...rows.value] : [];
  } finally {
    conn.release();
  }
}
