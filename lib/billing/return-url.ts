import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";

// A return URL is a path on this app, or an absolute http(s) URL whose origin is allowed.
// Anything else is refused, never "fixed up".

const MAX_LENGTH = 2048;

/** A same-app path: starts with one "/", not "//" or "/\", no control characters. */
export function isRelativePath(value: string): boolean {
  return /^\/(?![/\\])/.test(value) && !/[\\\u0000-\u001f\u007f]/.test(value);
}

export function resolveReturnUrl(
  value: string | undefined,
  opts: { appUrl: string; allowedOrigins: ReadonlySet<string>; fallbackPath: string },
): { ok: true; url: string } | { ok: false; error: BillingFailure } {
  if (value === undefined) return { ok: true, url: new URL(opts.fallbackPath, opts.appUrl).toString() };
  if (value.length === 0 || value.length > MAX_LENGTH) return refuse();
  if (isRelativePath(value)) {
    const url = new URL(value, opts.appUrl);
    // The URL parser can still move a crafted path elsewhere; the origin must not change.
    return url.origin === new URL(opts.appUrl).origin ? { ok: true, url: url.toString() } : refuse();
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
