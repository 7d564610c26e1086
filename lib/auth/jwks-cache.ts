import { createLocalJWKSet, type JSONWebKeySet, type LocalJWKSet } from "jose";
import { UnavailableError } from "@/lib/billing/errors";

// The auth server's signing keys, fetched with a timeout and kept through its outages.
//
// - Fresh for 10 minutes (Supabase serves the JWKS with max-age=600); after that a request still
//   verifies against the cached keys at once while one refetch runs in the background.
// - Stale-if-error: while refetching fails, the last good keys keep verifying tokens for up to
//   STALE_MAX_MS (24 h) after they were fetched. Access tokens live an hour by default, so this
//   outlasts every session that was valid when the outage began; past it, the server would be
//   trusting keys it has not been able to confirm for a day, so requests answer auth_unavailable.
// - A token with an unknown key id triggers a refetch at most once per 30 s (keys rotate, but
//   forged kids must not make every request call the auth server).
// - With no usable keys at all (cold start, auth server down), a failed fetch is retried at most
//   once a second; meanwhile verification throws UnavailableError("auth_unavailable").

export const FRESH_MS = 10 * 60_000;
export const STALE_MAX_MS = 24 * 60 * 60_000;
export const REFETCH_INTERVAL_MS = 30_000;
export const COLD_RETRY_MS = 1_000;
const MAX_JWKS_BYTES = 256 * 1024;

export type JwksCacheOptions = {
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
  onFetchFailed?: (reason: string) => void;
};

type Snapshot = { kids: ReadonlySet<string>; keySet: LocalJWKSet; fetchedAt: number };

export class JwksCache {
  #opts: JwksCacheOptions;
  #now: () => number;
  #snapshot: Snapshot | undefined;
  #lastAttempt = -Infinity;
  #lastFailure = -Infinity;
  #inflight: Promise<void> | undefined;

  constructor(opts: JwksCacheOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => Date.now());
  }

  /**
   * A key set that holds `kid`, or null when the auth server does not publish that key.
   * Throws UnavailableError("auth_unavailable") when no usable keys can be had.
   */
  async keySetFor(kid: string): Promise<LocalJWKSet | null> {
    const usable = this.#usable();
    if (usable?.kids.has(kid)) {
      if (this.#now() - usable.fetchedAt >= FRESH_MS) void this.#refetch(REFETCH_INTERVAL_MS);
      return usable.keySet;
    }
    if (usable) {
      await this.#refetch(REFETCH_INTERVAL_MS);
      const after = this.#usable();
      return after?.kids.has(kid) ? after.keySet : null;
    }
    await this.#refetch(COLD_RETRY_MS);
    const after = this.#usable();
    if (!after) throw new UnavailableError("auth_unavailable");
    return after.kids.has(kid) ? after.keySet : null;
  }

  #usable(): Snapshot | undefined {
    const s = this.#snapshot;
    return s && this.#now() - s.fetchedAt < STALE_MAX_MS ? s : undefined;
  }

  /** Joins a fetch in flight, or starts one unless the last attempt (or failure) was too recent. */
  #refetch(minIntervalMs: number): Promise<void> {
    if (this.#inflight) return this.#inflight;
    const now = this.#now();
    const since = minIntervalMs === COLD_RETRY_MS ? this.#lastFailure : this.#lastAttempt;
    if (now - since < minIntervalMs) return Promise.resolve();
    this.#lastAttempt = now;
    this.#inflight = this.#load()
      .then((snapshot) => {
        this.#snapshot = snapshot;
      })
      .catch((err: unknown) => {
        this.#lastFailure = this.#now();
        this.#opts.onFetchFailed?.(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  async #load(): Promise<Snapshot> {
    const doFetch = this.#opts.fetch ?? fetch;
    const res = await doFetch(this.#opts.url, {
      headers: this.#opts.headers,
      signal: AbortSignal.timeout(this.#opts.timeoutMs),
      cache: "no-store",
    });
    if (res.status !== 200) throw new Error(`JWKS answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error("JWKS is too large");
    const body = JSON.parse(text) as unknown;
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new Error("JWKS has no keys array");
    // Only public keys with a key id; anything else in the set is ignored rather than trusted.
    const usable = keys.filter(
      (k): k is { kid: string } =>
        typeof k === "object" && k !== null && typeof (k as { kid?: unknown }).kid === "string" && !("d" in k),
    );
    const jwks = { keys: usable } as JSONWebKeySet;
    return { kids: new Set(usable.map((k) => k.kid)), keySet: createLocalJWKSet(jwks), fetchedAt: this.#now() };
  }
}
