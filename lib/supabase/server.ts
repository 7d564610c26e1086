import "server-only";
import { createServerClient } from "@supabase/ssr";
import { cookies } from "next/headers";
import { budgetedFetch } from "@/lib/auth/deadline";
import { env } from "@/lib/env";
import { authCookieOptions, expiredAuthCookie, isAuthCookie } from "@/lib/supabase/auth-cookies";

/**
 * A new client per request: it holds this request's cookies. Never share one globally.
 * `onResponseHeaders` receives the headers @supabase/ssr asks for whenever it sets session
 * cookies (Cache-Control: private, no-store…): a route handler puts them on its response.
 * Server actions can't set headers; Next answers them with Cache-Control: no-store anyway.
 */
export async function createClient(opts: { onResponseHeaders?: (headers: Record<string, string>) => void } = {}) {
  const cookieStore = await cookies();
  const e = env();
  return createServerClient(e.supabaseUrl, e.supabasePublishableKey, {
    cookieOptions: authCookieOptions(),
    global: { fetch: budgetedFetch() },
    cookies: {
      getAll() {
        return cookieStore.getAll();
      },
      setAll(cookiesToSet, headers) {
        try {
          for (const { name, value, options } of cookiesToSet) cookieStore.set(name, value, options);
          opts.onResponseHeaders?.(headers);
        } catch {
          // Server components can't set cookies; proxy.ts refreshes the session for them.
        }
      },
    },
  });
}

/** Deletes the session cookies, where this request may set cookies (route handlers, actions). */
export async function deleteSessionCookies(): Promise<void> {
  const cookieStore = await cookies();
  try {
    for (const { name } of cookieStore.getAll()) if (isAuthCookie(name)) cookieStore.set(name, "", expiredAuthCookie());
  } catch {
    // A server component: the proxy already removed them from this request and the response.
  }
}
