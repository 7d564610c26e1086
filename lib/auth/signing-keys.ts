import "server-only";
import { AUTH_STEP_MS } from "@/lib/auth/deadline";
import { JwksCache } from "@/lib/auth/jwks-cache";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

// One cache per server process: every request verifies against the same keys, and the
// rate limits on refetching hold across requests.
let cache: JwksCache | undefined;

export function signingKeys(): JwksCache {
  const e = env();
  cache ??= new JwksCache({
    url: `${e.supabaseUrl}/auth/v1/.well-known/jwks.json`,
    headers: { apikey: e.supabasePublishableKey },
    timeoutMs: AUTH_STEP_MS,
    onFetchFailed: (reason) => log.warn("auth.jwks_fetch_failed", { reason }),
  });
  return cache;
}
