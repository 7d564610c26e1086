import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";

// A return URL is a path on this app, or an absolute http(s) URL whose origin is allowed.
// Anything else is refused, never "fixed up".

const MAX_LENGTH = 2048;
// Printable ASCII but for the backslash: no spaces, no controls, no look-alikes of "/" or "."
// from other scripts (U+2215 ∕, U+FF0F ／, U+3002 。), which some parsers fold into the real ones.
const PLAIN = /^\/(?![/\\])[!-[\]-~]*$/;
// The same path once percent-decoded: still no leading "//", backslash, control or non-ASCII
// (so "/%2F%2Fevil.com", "/%5Cevil.com", "/%0d%0aSet-Cookie…" and encoded look-alikes fail).
const PLAIN_DECODED = /^\/(?![/\\])[ -[\]-~]*$/;

/**
 * A plain path of this app: "/" then printable ASCII, also once percent-decoded; "//x" and
 * "/\x" (another host to a browser) are not paths.
 */
export function isRelativePath(value: string): boolean {
  if (value.length > MAX_LENGTH || !PLAIN.test(value)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return false;
  }
  return PLAIN_DECODED.test(decoded);
}

/** `value` resolved on this app, if it is a plain path that stays on the app's origin. */
function resolveOnApp(value: string, appUrl: string): URL | null {
  if (!isRelativePath(value)) return null;
  const base = new URL(appUrl);
  const url = new URL(value, base);
  // The URL parser can still move a crafted path elsewhere ("/%2e%2e//x" → "//x"); the origin
  // must not change, nor may the result read as another host once written into a Location.
  return url.origin === base.origin && !url.pathname.startsWith("//") ? url : null;
}

/** Where to go after signing in: `next` if it is a plain path of this app, else /billing. */
export function safeNextPath(next: unknown, appUrl: string): string {
  const url = typeof next === "string" ? resolveOnApp(next, appUrl) : null;
  return url ? url.pathname + url.search + url.hash : "/billing";
}

export function resolveReturnUrl(
  value: string | undefined,
  opts: { appUrl: string; allowedOrigins: ReadonlySet<string>; fallbackPath: string },
): { ok: true; url: string } | { ok: false; error: BillingFailure } {
  if (value === undefined) return { ok: true, url: new URL(opts.fallbackPath, opts.appUrl).toString() };
  if (value.length === 0 || value.length > MAX_LENGTH) return refuse();
  if (value.startsWith("/")) {
    const url = resolveOnApp(value, opts.appUrl);
    return url ? { ok: true, url: url.toString() } : refuse();
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse();
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse();
  if (url.username || url.password) return refuse();
  if (/[\\\u0000-\u001f\u007f\s]/.test(value)) return refuse();
  if (!opts.allowedOrigins.has(url.origin)) return refuse();
  return { ok: true, url: url.toString() };
}

function refuse(): { ok: false; error: BillingFailure } {
  return { ok: false, error: failure("invalid_return_url") };
}
