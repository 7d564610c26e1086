// Sessions and refresh tokens, in memory (they die with the process, like a fresh local stack).
// Rotation follows GoTrue's rules so that racing refreshes (e.g. a Next.js proxy and a server
// component refreshing at once) behave here as they do against Supabase.
import { randomInt, randomUUID } from "node:crypto";

export type AmrEntry = { method: string; timestamp: number };
export type Session = { id: string; userId: string; amr: AmrEntry[] };
export type LogoutScope = "global" | "local" | "others";

type RefreshToken = {
  token: string;
  sessionId: string;
  parent: string | null;
  revoked: boolean;
  updatedAt: number;
  seq: number;
};

export type RefreshOutcome =
  | { ok: true; session: Session; refreshToken: string }
  | { ok: false; code: "refresh_token_not_found" | "refresh_token_already_used" };

// GoTrue's crypto.SecureAlphanumeric(12): lower-case base32.
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
function newTokenString(): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export class SessionStore {
  #sessions = new Map<string, Session>();
  #tokens = new Map<string, RefreshToken>();
  #seq = 0;

  start(userId: string, method: string, now = Date.now()): { session: Session; refreshToken: string } {
    const session: Session = { id: randomUUID(), userId, amr: [{ method, timestamp: Math.floor(now / 1000) }] };
    this.#sessions.set(session.id, session);
    return { session, refreshToken: this.#issue(session.id, null, now) };
  }

  get(sessionId: string): Session | undefined {
    return this.#sessions.get(sessionId);
  }

  /** The user a refresh token belongs to, if the token still exists. */
  userIdFor(token: string): string | undefined {
    const rt = this.#tokens.get(token);
    return rt && this.#sessions.get(rt.sessionId)?.userId;
  }

  refresh(token: string, reuseIntervalSeconds: number, now = Date.now()): RefreshOutcome {
    const rt = this.#tokens.get(token);
    const session = rt && this.#sessions.get(rt.sessionId);
    if (!rt || !session) return { ok: false, code: "refresh_token_not_found" };
    if (rt.revoked) {
      const active = this.#active(session.id);
      // A client that lost the answer to its last refresh gets the current token back, not a new one.
      if (active && active.parent === rt.token) return { ok: true, session, refreshToken: active.token };
      if (now >= rt.updatedAt + reuseIntervalSeconds * 1000) {
        // Reuse outside the grace window looks like theft: GoTrue revokes the whole token family.
        for (const t of this.#tokens.values()) {
          if (t.sessionId === session.id && !t.revoked) Object.assign(t, { revoked: true, updatedAt: now });
        }
        return { ok: false, code: "refresh_token_already_used" };
      }
    }
    rt.revoked = true;
    rt.updatedAt = now;
    return { ok: true, session, refreshToken: this.#issue(session.id, rt.token, now) };
  }

  /** GoTrue's /logout: without a session_id claim every scope means "global". */
  logout(userId: string, sessionId: string | undefined, scope: LogoutScope): void {
    for (const session of [...this.#sessions.values()]) {
      if (session.userId !== userId) continue;
      const isCurrent = session.id === sessionId;
      const drop = !sessionId || scope === "global" || (scope === "local" ? isCurrent : !isCurrent);
      if (drop) this.#drop(session.id);
    }
  }

  #issue(sessionId: string, parent: string | null, now: number): string {
    const token = newTokenString();
    this.#tokens.set(token, { token, sessionId, parent, revoked: false, updatedAt: now, seq: ++this.#seq });
    return token;
  }

  // GoTrue picks the newest unrevoked token of the session ("order by id desc").
  #active(sessionId: string): RefreshToken | undefined {
    let best: RefreshToken | undefined;
    for (const t of this.#tokens.values()) {
      if (t.sessionId === sessionId && !t.revoked && (!best || t.seq > best.seq)) best = t;
    }
    return best;
  }

  // Deleting a session cascades to its refresh tokens, so they then answer "not found".
  #drop(sessionId: string): void {
    this.#sessions.delete(sessionId);
    for (const [token, t] of this.#tokens) if (t.sessionId === sessionId) this.#tokens.delete(token);
  }
}
