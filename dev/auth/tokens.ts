// Access tokens with Supabase's claim set, and the session body GoTrue answers /token with.
import type { AuthContext } from "./context.ts";
import type { Session } from "./sessions.ts";
import { toGoTrueUser, type UserRow } from "./users.ts";

export async function sessionResponse(ctx: AuthContext, user: UserRow, session: Session, refreshToken: string) {
  const ttl = ctx.settings.accessTokenTtlSeconds;
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ttl;
  // Same claims, same order as GoTrue's AccessTokenClaims (aud serialised as a single string).
  const accessToken = await ctx.key.sign({
    iss: ctx.issuer,
    sub: user.id,
    aud: user.aud ?? "",
    exp,
    iat,
    email: user.email ?? "",
    phone: "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? "",
    aal: "aal1",
    amr: session.amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  });
  return {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: ttl,
    expires_at: exp,
    refresh_token: refreshToken,
    user: toGoTrueUser(user),
  };
}
