import { fail, pass, type DoctorCheck } from "@/lib/billing/doctor/types";

type Jwk = { kty?: string; alg?: string; kid?: string };
const ASYMMETRIC = new Set(["ES256", "RS256", "EdDSA"]);

/** Whether the project publishes an asymmetric signing key that getClaims() can verify locally. */
export function jwksProblem(jwks: unknown): string | null {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return "the JWKS answer has no keys list";
  const usable = (keys as Jwk[]).filter((k) => k.kty !== "oct" && ASYMMETRIC.has(k.alg ?? ""));
  if (usable.length) return null;
  return keys.length
    ? `it publishes only ${[...new Set((keys as Jwk[]).map((k) => k.alg ?? k.kty ?? "unknown"))].join(", ")} keys`
    : "it publishes no key: tokens are signed with the legacy HS256 secret";
}

export const jwtSigningKeysCheck: DoctorCheck = {
  id: "jwt-signing-keys",
  title: "Supabase JWT signing keys",
  async run(ctx) {
    const res = await fetch(`${ctx.env.supabaseUrl}/auth/v1/.well-known/jwks.json`, {
      headers: { apikey: ctx.env.supabasePublishableKey },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      return fail(
        `the project's JWKS answered ${res.status}`,
        "Check NEXT_PUBLIC_SUPABASE_URL (Project Settings → API → Project URL).",
      );
    const jwks: unknown = await res.json();
    const problem = jwksProblem(jwks);
    if (!problem) {
      const algs = [...new Set((jwks as { keys: Jwk[] }).keys.map((k) => k.alg))].join(", ");
      return pass(`asymmetric (${algs}): tokens are verified here, no auth-server call per click`);
    }
    return fail(
      `${problem}, so every click costs an auth-server call (getClaims() falls back to getUser())`,
      "Supabase Dashboard → Project Settings → JWT Keys: migrate the JWT secret, then rotate to the ES256 (or RS256) key. Signed-in users stay signed in.",
    );
  },
};
