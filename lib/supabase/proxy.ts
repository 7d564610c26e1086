import { createServerClient, type CookieOptions } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";
import type { Claims } from "@/lib/auth/claims";
import { budgetedFetch } from "@/lib/auth/deadline";
import { isCrossSiteRequest, ownOrigins } from "@/lib/auth/same-origin";
import { claimsFromSession } from "@/lib/auth/session";
import { billingErrors, UnavailableError, type BillingErrorCode } from "@/lib/billing/errors";
import { env } from "@/lib/env";
import { checkPagePost } from "@/lib/http/page-post";
import { authCookieOptions, expiredAuthCookie, isAuthCookie } from "@/lib/supabase/auth-cookies";

const PROTECTED = ["/billing"];
// Pages are read (GET, HEAD) and posted to (server actions); nothing else reaches them.
const PAGE_METHODS = ["GET", "HEAD", "POST"];
// What @supabase/ssr asks for when it writes session cookies; used too when we delete them.
const NO_STORE = {
  "Cache-Control": "private, no-cache, no-store, must-revalidate, max-age=0",
  Expires: "0",
  Pragma: "no-cache",
};

/**
 * Runs before every page and server action: refuses other methods and cross-site posts,
 * refreshes the Supabase session cookies, drops session cookies that hold no usable session,
 * and sends signed-out visitors of /billing to /login.
 */
export async function updateSession(request: NextRequest) {
  if (!PAGE_METHODS.includes(request.method))
    return refuse("invalid_request", 405, "This page answers GET and POST only.", { Allow: PAGE_METHODS.join(", ") });
  const e = env();
  if (request.method === "POST") {
    if (isCrossSiteRequest(request.headers, ownOrigins(request.headers, e.appUrl)))
      return refuse("cross_site_request", 403);
    const problem = await checkPagePost(request);
    if (problem === "too_large") return refuse("payload_too_large", 413);
    if (problem)
      return refuse("invalid_request", 400, "This form submission could not be read. Reload the page and try again.");
  }

  const written: { name: string; value: string; options: CookieOptions }[] = [];
  const cacheHeaders: Record<string, string> = {};
  const supabase = createServerClient(e.supabaseUrl, e.supabasePublishableKey, {
    cookieOptions: authCookieOptions(),
    global: { fetch: budgetedFetch() },
    cookies: {
      getAll() {
        return request.cookies.getAll();
      },
      setAll(cookiesToSet, headers) {
        for (const cookie of cookiesToSet) {
          request.cookies.set(cookie.name, cookie.value);
          written.push(cookie);
        }
        // Cache-Control: private, no-store…: no CDN may keep a response that sets a session.
        Object.assign(cacheHeaders, headers);
      },
    },
  });

  // Do not run code between createServerClient and the session check: a refreshed session
  // written by setAll must reach the response, or users get signed out at random.
  let claims: Claims | null;
  try {
    claims = await claimsFromSession(supabase);
  } catch (err) {
    // The auth server is down or hanging: let the page say so, with the cookies left alone.
    if (!(err instanceof UnavailableError)) throw err;
    return NextResponse.next({ request });
  }
  if (!claims) {
    // Session cookies still here hold nothing usable (a poisoned or broken cookie): drop them
    // from this request, so pages and actions see a plain signed-out visitor, and from the
    // browser, so nobody stays locked out.
    // The raw header too: a value Next can't decode (e.g. "%%") is dropped from request.cookies.
    const raw = (request.headers.get("cookie") ?? "").split(";").map((c) => c.split("=")[0]!.trim());
    for (const name of new Set([...request.cookies.getAll().map((c) => c.name), ...raw])) {
      if (!isAuthCookie(name)) continue;
      request.cookies.delete(name);
      written.push({ name, value: "", options: expiredAuthCookie() });
    }
  }
  const withSession = (response: NextResponse) => {
    for (const { name, value, options } of written) response.cookies.set(name, value, options);
    if (written.length === 0) return response;
    for (const [key, value] of Object.entries({ ...NO_STORE, ...cacheHeaders })) response.headers.set(key, value);
    return response;
  };
  if (claims) return withSession(NextResponse.next({ request }));

  const path = request.nextUrl.pathname;
  if (request.method !== "POST" && PROTECTED.some((p) => path === p || path.startsWith(`${p}/`))) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = "";
    url.searchParams.set("next", path + request.nextUrl.search);
    return withSession(NextResponse.redirect(url));
  }
  return withSession(NextResponse.next({ request }));
}

function refuse(code: BillingErrorCode, status: number, message?: string, headers?: Record<string, string>) {
  return NextResponse.json({ error: message ?? billingErrors[code].message, code }, { status, headers });
}
