import "server-only";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { env } from "@/lib/env";
import type { Claims } from "@/lib/auth";
import { whileSignedIn } from "@/lib/auth/session-ended";
import { UnavailableError } from "@/lib/billing/errors";
import { isDatabaseUnavailable } from "@/lib/db-errors";
import { settleWithin, TimeoutError } from "@/lib/deadline";
import { errorFields, log } from "@/lib/log";

let pool: postgres.Sql | undefined;

export function db(): postgres.Sql {
  const e = env();
  pool ??= postgres(e.databaseUrl, {
    // prepare:false because Supabase's transaction pooler (port 6543) can't keep prepared statements.
    prepare: false,
    max: 5,
    idle_timeout: 30,
    connect_timeout: e.databaseTimeoutMs / 1000,
    // By default postgres.js waits up to 20 s between reconnects once connections have failed a
    // few times; capped here, the app is back within a second of the database.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
  });
  return pool;
}

/**
 * Runs `select <configs>; <statements…>` as ONE simple-protocol message (one round trip, one
 * implicit transaction, rolled back whole if any part fails) and returns the last statement's
 * rows, within `timeoutMs`: the server cancels
 * a statement that runs longer (statement_timeout, for this transaction only), and the client
 * stops waiting for a server that does not answer at all (TCP open, nothing back).
 * A database that is down, refusing or too slow throws UnavailableError("database_unavailable").
 */
export async function runSimple<Row extends object>(
  configs: string[],
  statements: string[],
  timeoutMs: number = env().databaseTimeoutMs,
): Promise<Row[]> {
  const text = [
    `select ${[`set_config('statement_timeout', '${serverTimeoutMs(timeoutMs)}', true)`, ...configs].join(", ")}`,
    ...statements,
  ].join(";\n");
  const sql = db();
  const started = performance.now();
  try {
    // A multi-statement simple query resolves to one result per statement.
    const results = (await settleWithin(
      sql.unsafe(text).simple(),
      timeoutMs,
      "the database",
    )) as unknown as postgres.RowList<Row[]>[];
    return [...(results[statements.length] ?? [])];
  } catch (err) {
    throw asUnavailable(err, { sql, started, timeoutMs });
  }
}

/**
 * `work` in one transaction (webhook events, syncs, reconcile), with runSimple's bounds: each
 * statement is cancelled by the server past the timeout (statement_timeout, set for this
 * transaction only), the server ends the session if the client goes quiet mid-transaction
 * (idle_in_transaction_session_timeout, so no lock outlives a caller that gave up), and the
 * caller stops waiting after `timeoutMs` in all, whatever the database does. A database that is
 * down, refusing or too slow throws UnavailableError("database_unavailable").
 * Hazard: a COMMIT already on the wire when the wait ends may still land, so `work` must be safe
 * to run again (the billing writes are: events are recorded once, rows are versioned).
 */
export async function transaction<T>(
  work: (tx: postgres.TransactionSql) => Promise<T>,
  timeoutMs: number = env().databaseTimeoutMs,
): Promise<T> {
  const bounds =
    `select set_config('statement_timeout', '${serverTimeoutMs(timeoutMs)}', true), ` +
    `set_config('idle_in_transaction_session_timeout', '${Math.round(timeoutMs)}', true)`;
  const sql = db();
  const started = performance.now();
  try {
    const committed = sql.begin(async (tx) => {
      // Sent ahead of work's first statement without waiting for its answer: no extra round trip.
      const bounded = tx.unsafe(bounds).execute();
      const [, result] = await Promise.all([bounded, work(tx)]);
      return result;
    }) as Promise<T>;
    return await settleWithin(committed, timeoutMs, "the database");
  } catch (err) {
    throw asUnavailable(err, { sql, started, timeoutMs });
  }
}

// The server gives up a little earlier than the client, so a merely slow statement ends with a
// clean cancel and its connection stays usable.
const serverTimeoutMs = (timeoutMs: number) => Math.max(1, Math.floor(timeoutMs - Math.min(500, timeoutMs / 5)));

/** An outage as UnavailableError (logged); anything else, a bug of ours, as it is. */
function asUnavailable(err: unknown, wait: { sql: postgres.Sql; started: number; timeoutMs: number }): unknown {
  if (!isDatabaseUnavailable(err)) return err;
  const { sql, started, timeoutMs } = wait;
  log.warn("db.unavailable", { ms: Math.round(performance.now() - started), timeoutMs, ...errorFields(err) });
  // Connections that got no answer in a full DATABASE_TIMEOUT_MS may never get one: start over
  // with fresh ones. (A wait cut short by a click's deadline says nothing about the database.)
  if (err instanceof TimeoutError && timeoutMs >= env().databaseTimeoutMs && pool === sql) {
    pool = undefined;
    void sql.end({ timeout: 0 }).catch(() => {});
  }
  return new UnavailableError("database_unavailable", { cause: err });
}

/**
 * Runs one statement as the signed-in user, the way PostgREST does: as role `authenticated`
 * with request.jwt.claims set, so row level security decides what is visible. First it checks,
 * in the same round trip, that the token's session is still signed in (auth.sessions): a token
 * whose session was signed out gets nothing, whatever it came for (SessionEndedError).
 *
 * With prepare:false, postgres.js would spend an extra round trip describing every parameterised
 * statement, so inputs go in as transaction settings (`app.<name>`) that the statement reads
 * with current_setting(), and the statement itself is a constant.
 */
export async function asUser<Row extends object>(
  claims: Claims,
  statement: string,
  settings: Record<string, string | null> = {},
  opts: { timeoutMs?: number } = {},
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
  return whileSignedIn(runSimple<Row>(configs, ["select private.assert_session_active()", statement], opts.timeoutMs));
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
