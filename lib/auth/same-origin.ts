// Cross-site request forgery: a request that a browser sends with the session cookie is
// accepted only from this app's own pages. Another origin of the same site (a sibling port or
// subdomain) is as foreign as any other: SameSite=Lax cookies still travel from there.

/**
 * The origins this app is served from: APP_URL, and the origin the request itself was sent to
 * (a preview or branch URL of the same deployment). A cross-site page can't forge the latter:
 * browsers set Host, and forms and no-cors fetches can't send X-Forwarded-Host.
 */
export function ownOrigins(headers: Headers, appUrl: string): string[] {
  const own = [new URL(appUrl).origin];
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? new URL(appUrl).protocol.slice(0, -1);
  if (host && /^(http|https)$/.test(proto)) {
    try {
      own.push(new URL(`${proto}://${host}`).origin);
    } catch {
      // Not a host: only APP_URL counts.
    }
  }
  return own;
}

/**
 * True when a browser sent this request from a page that is not ours: by Origin, else by
 * Sec-Fetch-Site. A request with neither comes from no browser (curl, a server), so it carries
 * no ambient cookie a third party could abuse.
 */
export function isCrossSiteRequest(headers: Headers, own: readonly string[]): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return !own.includes(origin);
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site !== "same-origin" && site !== "none";
  return false;
}
