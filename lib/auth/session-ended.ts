// The token verified, but its session is gone from auth.sessions (signed out with any scope,
// revoked, user deleted): the database said so (SQLSTATE PT401 from private.assert_session_active).
// Callers answer it as unauthenticated (401) or send the visitor to /login.
export class SessionEndedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the session of this access token has ended", options);
    this.name = "SessionEndedError";
  }
}

/** Runs a database call; a PT401 from it becomes SessionEndedError. */
export async function whileSignedIn<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === "PT401") throw new SessionEndedError({ cause: err });
    throw err;
  }
}
