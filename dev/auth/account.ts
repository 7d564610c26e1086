// Routes that need the user's access token: GET /auth/v1/user and POST /auth/v1/logout.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthContext } from "./context.ts";
import { GoTrueError, sendJson } from "./http.ts";
import { JwtRejected } from "./keys.ts";
import type { LogoutScope, Session } from "./sessions.ts";
import { toGoTrueUser, type UserRow } from "./users.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** GoTrue's requireAuthentication + maybeLoadUserOrSession, with the same statuses and codes. */
async function authenticate(ctx: AuthContext, req: IncomingMessage): Promise<{ user: UserRow; session?: Session }> {
  const match = /^[Bb]earer (\S+)$/.exec(req.headers.authorization ?? "");
  if (!match?.[1]) throw new GoTrueError(401, "no_authorization", "This endpoint requires a valid Bearer token");

  let claims;
  try {
    claims = await ctx.key.verify(match[1]);
  } catch (err) {
    if (!(err instanceof JwtRejected)) throw err;
    throw new GoTrueError(403, "bad_jwt", `invalid JWT: unable to parse or verify signature, ${err.message}`);
  }

  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!sub) throw new GoTrueError(403, "bad_jwt", "invalid claim: missing sub claim");
  if (!UUID.test(sub)) throw new GoTrueError(400, "bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await ctx.users.findById(sub);
  if (!user) throw new GoTrueError(403, "user_not_found", "User from sub claim in JWT does not exist");

  const sessionId = typeof claims.session_id === "string" ? claims.session_id : "";
  if (!sessionId || sessionId === NIL_UUID) return { user };
  if (!UUID.test(sessionId)) throw new GoTrueError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID");
  const session = await ctx.sessions.get(sessionId);
  // After sign-out the access token still verifies, but its session is gone; auth-js turns this
  // code into AuthSessionMissingError.
  if (!session) throw new GoTrueError(403, "session_not_found", "Session from session_id claim in JWT does not exist");
  return { user, session };
}

export async function handleGetUser(ctx: AuthContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { user } = await authenticate(ctx, req);
  sendJson(res, 200, toGoTrueUser(user));
}

export async function handleLogout(
  ctx: AuthContext,
  req: IncomingMessage,
  res: ServerResponse,
  scopeParam: string | null,
): Promise<void> {
  const { user, session } = await authenticate(ctx, req);
  const scope = parseScope(scopeParam);
  await ctx.sessions.logout(user.id, session?.id, scope);
  res.writeHead(204).end();
}

function parseScope(value: string | null): LogoutScope {
  switch (value ?? "") {
    case "":
    case "global":
      return "global";
    case "local":
    case "others":
      return value as LogoutScope;
    default:
      throw new GoTrueError(400, "validation_failed", `Unsupported logout scope "${value}"`);
  }
}
