import "server-only";
import { isAuthRetryableFetchError, type SupabaseClient } from "@supabase/supabase-js";
import type { Claims } from "@/lib/auth/claims";
import { withinAuthDeadline } from "@/lib/auth/deadline";
import { signingKeys } from "@/lib/auth/signing-keys";
import { verifyAccessToken } from "@/lib/auth/verify-token";
import { UnavailableError } from "@/lib/billing/errors";
import { log } from "@/lib/log";

/**
 * The verified claims of the session in a Supabase server client's cookies, or null (signed out,
 * or cookies that hold no session we accept: the caller clears them). getSession() reads
 * the cookies and refreshes an expiring session (rotating the refresh token, writing the new
 * cookies through setAll); the access token is then verified locally (verify-token.ts), never
 * trusted as read. Throws UnavailableError("auth_unavailable") when the auth server can't answer.
 */
export function claimsFromSession(supabase: SupabaseClient): Promise<Claims | null> {
  return withinAuthDeadline(check(supabase));
}

async function check(supabase: SupabaseClient): Promise<Claims | null> {
  let session;
  try {
    const { data, error } = await supabase.auth.getSession();
    // A refresh that could not reach the auth server: the session may be fine, we can't tell.
    if (error && isAuthRetryableFetchError(error)) throw new UnavailableError("auth_unavailable", { cause: error });
    // Any other refresh error (revoked, reused, unknown token): auth-js already removed the session.
    if (error) return null;
    session = data.session;
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    log.info("auth.session_unreadable", { errorName: err instanceof Error ? err.name : typeof err });
    return null;
  }
  if (!session) return null;
  const verdict = await verifyAccessToken(session.access_token, signingKeys());
  if (verdict.ok) return verdict.claims;
  log.info("auth.session_rejected", { reason: verdict.reason });
  return null;
}
