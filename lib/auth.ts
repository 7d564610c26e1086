import "server-only";
import type { Claims } from "@/lib/auth/claims";
import { withinAuthDeadline } from "@/lib/auth/deadline";
import { claimsFromSession } from "@/lib/auth/session";
import { signingKeys } from "@/lib/auth/signing-keys";
import { verifyAccessToken } from "@/lib/auth/verify-token";
import { log } from "@/lib/log";
import { deleteSessionCookies, createClient } from "@/lib/supabase/server";

// Who is asking: a verified Supabase access token from the session cookie or an
// Authorization: Bearer header. Tokens are verified locally against the cached JWKS
// (lib/auth/*): once warm, no auth-server call. Whatever a token or cookie holds, the answer
// is claims or null; only an unreachable auth server throws (UnavailableError, a 503).
// Whether the token's session is still signed in is checked by the database, in the
// request's own round trip (private.session_is_active).

export type { Claims };

type Options = { onResponseHeaders?: (headers: Record<string, string>) => void };

/** The signed-in user of this request (cookie session), or null. */
export async function currentClaims(opts: Options = {}): Promise<Claims | null> {
  const claims = await claimsFromSession(await createClient(opts));
  if (!claims) await deleteSessionCookies();
  return claims;
}

/** For API clients: `Authorization: Bearer <Supabase access token>`, else the cookie session. */
export async function claimsFromRequest(request: Request, opts: Options = {}): Promise<Claims | null> {
  const header = request.headers.get("authorization");
  if (header === null) return currentClaims(opts);
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match?.[1]) return null;
  const verdict = await withinAuthDeadline(verifyAccessToken(match[1], signingKeys()));
  if (verdict.ok) return verdict.claims;
  log.debug("auth.bearer_rejected", { reason: verdict.reason });
  return null;
}
