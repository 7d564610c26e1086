// Sessions and refresh tokens in auth.sessions and auth.refresh_tokens, the tables GoTrue keeps
// them in (the compat migration creates them on a plain PostgreSQL). Signing out deletes the
// session row, so the app's database check sees it at once, exactly as on Supabase.
// Rotation follows GoTrue's rules so that racing refreshes (e.g. a Next.js proxy and a server
// component refreshing at once) behave here as they do against Supabase: each refresh runs in
// a transaction holding its session row's lock.
import { randomInt, randomUUID } from "node:crypto";
import postgres from "postgres";

export type AmrEntry = { method: string; timestamp: number };
export type Session = { id: string; userId: string; amr: AmrEntry[] };
export type LogoutScope = "global" | "local" | "others";

export type RefreshOutcome =
  | { ok: true; session: Session; refreshToken: string }
  | { ok: false; code: "refresh_token_not_found" | "refresh_token_already_used" };

type SessionRow = { id: string; user_id: string; created_at: Date };
type TokenRow = {
  id: string;
  token: string;
  session_id: string;
  parent: string | null;
  revoked: boolean;
  updated_at: Date;
};

// GoTrue's crypto.SecureAlphanumeric(12): lower-case base32.
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
function newTokenString(): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

// The stand-in signs in only with a password, so every session's amr is that one entry
// (GoTrue reads it from auth.mfa_amr_claims; here it follows from the session row).
const toSession = (row: SessionRow): Session => ({
  id: row.id,
  userId: row.user_id,
  amr: [{ method: "password", timestamp: Math.floor(row.created_at.getTime() / 1000) }],
});

export type SessionStore = ReturnType<typeof createSessionStore>;

export function createSessionStore(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });

  const issue = async (tx: postgres.TransactionSql, session: SessionRow, parent: string | null): Promise<string> => {
    const token = newTokenString();
    await tx`insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
             values (${token}, ${session.user_id}, false, now(), now(), ${parent}, ${session.id})`;
    return token;
  };

  return {
    async start(userId: string): Promise<{ session: Session; refreshToken: string }> {
      return sql.begin(async (tx) => {
        const [row] = await tx<SessionRow[]>`
          insert into auth.sessions (id, user_id, created_at, updated_at, aal)
          values (${randomUUID()}, ${userId}, now(), now(), 'aal1') returning id, user_id, created_at`;
        return { session: toSession(row!), refreshToken: await issue(tx, row!, null) };
      });
    },

    async get(sessionId: string): Promise<Session | undefined> {
      const [row] = await sql<SessionRow[]>`
        select id, user_id, created_at from auth.sessions
        where id = ${sessionId} and (not_after is null or not_after > now())`;
      return row && toSession(row);
    },

    /** The user a refresh token belongs to, if the token and its session still exist. */
    async userIdFor(token: string): Promise<string | undefined> {
      const [row] = await sql<{ user_id: string }[]>`
        select s.user_id from auth.refresh_tokens rt join auth.sessions s on s.id = rt.session_id
        where rt.token = ${token}`;
      return row?.user_id;
    },

    refresh(token: string, reuseIntervalSeconds: number): Promise<RefreshOutcome> {
      return sql.begin(async (tx): Promise<RefreshOutcome> => {
        const [found] = await tx<TokenRow[]>`select session_id from auth.refresh_tokens where token = ${token}`;
        const [session] = found
          ? await tx<
              SessionRow[]
            >`select id, user_id, created_at from auth.sessions where id = ${found.session_id} for update`
          : [];
        const [rt] = session ? await tx<TokenRow[]>`select * from auth.refresh_tokens where token = ${token}` : [];
        if (!session || !rt) return { ok: false, code: "refresh_token_not_found" };
        if (rt.revoked) {
          // GoTrue picks the newest unrevoked token of the session ("order by id desc").
          const [active] = await tx<TokenRow[]>`
            select * from auth.refresh_tokens where session_id = ${session.id} and not revoked order by id desc limit 1`;
          // A client that lost the answer to its last refresh gets the current token back, not a new one.
          if (active && active.parent === rt.token)
            return { ok: true, session: toSession(session), refreshToken: active.token };
          const [{ reused } = { reused: false }] = await tx<{ reused: boolean }[]>`
            select now() >= ${rt.updated_at}::timestamptz + make_interval(secs => ${reuseIntervalSeconds}) as reused`;
          if (reused) {
            // Reuse outside the grace window looks like theft: GoTrue revokes the whole token family.
            await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${session.id} and not revoked`;
            return { ok: false, code: "refresh_token_already_used" };
          }
        }
        await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${rt.id}`;
        await tx`update auth.sessions set updated_at = now(), refreshed_at = now() at time zone 'utc' where id = ${session.id}`;
        return { ok: true, session: toSession(session), refreshToken: await issue(tx, session, rt.token) };
      });
    },

    /** GoTrue's /logout: without a session_id claim every scope means "global". Refresh tokens cascade. */
    async logout(userId: string, sessionId: string | undefined, scope: LogoutScope): Promise<void> {
      if (!sessionId || scope === "global") await sql`delete from auth.sessions where user_id = ${userId}`;
      else if (scope === "local") await sql`delete from auth.sessions where user_id = ${userId} and id = ${sessionId}`;
      else await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
    },

    close: () => sql.end({ timeout: 5 }),
  };
}
