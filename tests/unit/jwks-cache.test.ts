// The JWKS cache: timeout-bounded fetches, stale-if-error through an auth outage, and a rate
// limit on refetches so forged key ids cannot make requests call the auth server.
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { COLD_RETRY_MS, FRESH_MS, JwksCache, REFETCH_INTERVAL_MS, STALE_MAX_MS } from "@/lib/auth/jwks-cache";
import { UnavailableError } from "@/lib/billing/errors";

let jwk: JWK;
const kid = randomUUID();

beforeAll(async () => {
  const { publicKey } = await generateKeyPair("ES256", { extractable: true });
  jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
});

/** An auth server whose JWKS endpoint can be up, down or hanging, with a hand-moved clock. */
function setup() {
  const state = { mode: "up" as "up" | "down" | "hang" | "garbage", calls: 0, time: 1_000_000, keys: [jwk] };
  const fetch = (async (_url: string, init?: RequestInit) => {
    state.calls++;
    if (state.mode === "down") throw new TypeError("fetch failed: ECONNREFUSED");
    if (state.mode === "garbage") return new Response("<html>oops</html>", { status: 200 });
    if (state.mode === "hang")
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    return Response.json({ keys: state.keys });
  }) as typeof globalThis.fetch;
  const cache = new JwksCache({ url: "http://auth.test/jwks", timeoutMs: 50, fetch, now: () => state.time });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { state, cache, settle };
}

describe("JwksCache", () => {
  test("warm: the key is served from memory, no fetch per request", async () => {
    const { state, cache } = setup();
    expect(await cache.keySetFor(kid)).not.toBeNull();
    for (let i = 0; i < 50; i++) await cache.keySetFor(kid);
    expect(state.calls).toBe(1);
  });

  test("100 tokens with forged key ids cause at most one auth-server call per 30 s", async () => {
    const { state, cache } = setup();
    await cache.keySetFor(kid);
    state.calls = 0;
    const forged = await Promise.all(Array.from({ length: 100 }, () => cache.keySetFor(randomUUID())));
    expect(forged.every((k) => k === null)).toBe(true);
    for (let i = 0; i < 100; i++) expect(await cache.keySetFor(randomUUID())).toBeNull();
    expect(state.calls).toBeLessThanOrEqual(1);
    state.time += REFETCH_INTERVAL_MS;
    for (let i = 0; i < 100; i++) await cache.keySetFor(randomUUID());
    expect(state.calls).toBeLessThanOrEqual(2);
    // The real key still verifies throughout.
    expect(await cache.keySetFor(kid)).not.toBeNull();
  });

  test("100 forged key ids on a cold server share one fetch", async () => {
    const { state, cache } = setup();
    await Promise.all(Array.from({ length: 100 }, () => cache.keySetFor(randomUUID())));
    expect(state.calls).toBe(1);
  });

  test("stale-if-error: through an outage the last good keys verify for 24 hours, then auth_unavailable", async () => {
    const { state, cache, settle } = setup();
    await cache.keySetFor(kid);
    state.mode = "down";
    state.time += FRESH_MS + 1;
    expect(await cache.keySetFor(kid)).not.toBeNull(); // answered at once, refetch in the background
    await settle();
    expect(state.calls).toBe(2);
    for (let i = 0; i < 20; i++) expect(await cache.keySetFor(kid)).not.toBeNull();
    await settle();
    expect(state.calls).toBe(2); // background refetches are rate-limited too
    state.time += REFETCH_INTERVAL_MS;
    await cache.keySetFor(kid);
    await settle();
    expect(state.calls).toBe(3);

    state.time += STALE_MAX_MS;
    await expect(cache.keySetFor(kid)).rejects.toBeInstanceOf(UnavailableError);
    state.mode = "up";
    state.time += COLD_RETRY_MS;
    expect(await cache.keySetFor(kid)).not.toBeNull();
  });

  test("auth server down at start: auth_unavailable, not 'unknown key'; one retry a second at most", async () => {
    const { state, cache } = setup();
    state.mode = "down";
    await expect(cache.keySetFor(kid)).rejects.toMatchObject({ code: "auth_unavailable" });
    await expect(cache.keySetFor(kid)).rejects.toMatchObject({ code: "auth_unavailable" });
    expect(state.calls).toBe(1);
    state.time += COLD_RETRY_MS;
    state.mode = "up";
    expect(await cache.keySetFor(kid)).not.toBeNull();
  });

  test("a hanging auth server is abandoned after the timeout", async () => {
    const { state, cache } = setup();
    state.mode = "hang";
    const started = performance.now();
    await expect(cache.keySetFor(kid)).rejects.toBeInstanceOf(UnavailableError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("an answer that is not a JWKS counts as a failure, not as 'no keys'", async () => {
    const { state, cache } = setup();
    state.mode = "garbage";
    await expect(cache.keySetFor(kid)).rejects.toBeInstanceOf(UnavailableError);
  });

  test("a rotated key set replaces the old one: a removed key stops verifying at the next refetch", async () => {
    const { state, cache, settle } = setup();
    await cache.keySetFor(kid);
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    const newKid = randomUUID();
    state.keys = [{ ...(await exportJWK(publicKey)), kid: newKid, alg: "ES256" }];
    state.time += REFETCH_INTERVAL_MS;
    expect(await cache.keySetFor(newKid)).not.toBeNull(); // unknown kid: refetched
    expect(await cache.keySetFor(kid)).toBeNull();
    await settle();
    expect(state.calls).toBe(2);
  });
});
