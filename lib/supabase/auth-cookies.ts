import { env } from "@/lib/env";

// The session cookies @supabase/ssr writes. HttpOnly: only the server reads them (this app has
// no browser Supabase client), so a script injected into a page cannot lift a session.

/** supabase-js's default storage key (`sb-<project ref>-auth-token`), spelled out so we know the cookie names. */
export function authCookieName(): string {
  return `sb-${new URL(env().supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

/** The session cookie and its chunks (`<name>.0`, `<name>.1`, …). */
export function isAuthCookie(name: string): boolean {
  const base = authCookieName();
  return name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)));
}

function cookieFlags() {
  return { httpOnly: true, secure: new URL(env().appUrl).protocol === "https:", sameSite: "lax" as const, path: "/" };
}

/** @supabase/ssr's cookieOptions: the name it stores the session under, and the flags. */
export function authCookieOptions() {
  return { name: authCookieName(), ...cookieFlags() };
}

/** Set-Cookie options that delete a session cookie (same path and flags it was set with). */
export function expiredAuthCookie() {
  return { ...cookieFlags(), maxAge: 0 };
}
