// POST /auth/v1/token: the password and refresh_token grants, with GoTrue's error codes and messages.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthContext } from "./context.ts";
import { GoTrueError, OAuthError, readJsonBody, sendJson, stringField } from "./http.ts";
import { sessionResponse } from "./tokens.ts";

const INVALID_LOGIN = () => new GoTrueError(400, "invalid_credentials", "Invalid login credentials");

export async function handleToken(
  ctx: AuthContext,
  req: IncomingMessage,
  res: ServerResponse,
  grantType: string | null,
): Promise<void> {
  switch (grantType) {
    case "password":
      return passwordGrant(ctx, req, res);
    case "refresh_token":
      return refreshTokenGrant(ctx, req, res);
    case "id_token":
    case "pkce":
    case "web3":
      throw new GoTrueError(
        400,
        "validation_failed",
        `grant_type=${grantType} is not implemented by the local Auth stand-in`,
      );
    default:
      // Sic: GoTrue answers an unknown grant type with this code and message.
      throw new GoTrueError(400, "invalid_credentials", "unsupported_grant_type");
  }
}

async function passwordGrant(ctx: AuthContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req);
  const email = stringField(body, "email");
  const phone = stringField(body, "phone");
  const password = stringField(body, "password");
  if (email && phone)
    throw new GoTrueError(
      400,
      "validation_failed",
      "Only an email address or phone number should be provided on login.",
    );
  if (!email && !phone) throw new GoTrueError(400, "validation_failed", "missing email or phone");
  // No user here has a phone number, so a phone login finds nobody, as it would on Supabase.
  const user = email ? await ctx.users.findByEmail(email) : undefined;
  if (!user || !user.encrypted_password) throw INVALID_LOGIN();
  if (!(await ctx.users.passwordMatches(user, password))) throw INVALID_LOGIN();
  if (!user.email_confirmed_at) throw new GoTrueError(400, "email_not_confirmed", "Email not confirmed");

  const signedIn = await ctx.users.recordSignIn(user.id);
  const { session, refreshToken } = await ctx.sessions.start(user.id);
  sendJson(res, 200, await sessionResponse(ctx, signedIn, session, refreshToken));
}

async function refreshTokenGrant(ctx: AuthContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req);
  const token = stringField(body, "refresh_token");
  if (!token) throw new OAuthError("invalid_request", "refresh_token required");

  const notFound = () =>
    new GoTrueError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
  const userId = await ctx.sessions.userIdFor(token);
  // A deleted user takes its refresh tokens with it (ON DELETE CASCADE in Supabase's schema).
  const user = userId ? await ctx.users.findById(userId) : undefined;
  if (!user) throw notFound();

  const outcome = await ctx.sessions.refresh(token, ctx.settings.refreshTokenReuseIntervalSeconds);
  if (!outcome.ok) {
    if (outcome.code === "refresh_token_already_used")
      throw new GoTrueError(400, outcome.code, "Invalid Refresh Token: Already Used");
    throw notFound();
  }
  sendJson(res, 200, await sessionResponse(ctx, user, outcome.session, outcome.refreshToken));
}
