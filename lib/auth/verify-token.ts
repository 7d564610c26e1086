import { decodeProtectedHeader, jwtVerify, type LocalJWKSet } from "jose";
import { acceptClaims, type Claims } from "@/lib/auth/claims";

// Verifies a Supabase access token locally against the project's asymmetric signing keys.
// Whatever the token is (any type, any bytes, any header), the answer is a verdict, never a
// throw, except UnavailableError from the key source when the auth server can't be reached.

export type KeySource = { keySetFor(kid: string): Promise<LocalJWKSet | null> };
export type TokenVerdict = { ok: true; claims: Claims } | { ok: false; reason: string };

/** Supabase signs with ES256 or RS256 keys it publishes; HS* (shared secret) and "none" never verify here. */
const ALGORITHMS = ["ES256", "RS256"];
// Real access tokens are ~1 KB; custom claims may add some. Bigger is not a token of ours.
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export async function verifyAccessToken(token: unknown, keys: KeySource): Promise<TokenVerdict> {
  if (typeof token !== "string") return refuse(`token is a ${token === null ? "null" : typeof token}`);
  if (token.length > MAX_TOKEN_LENGTH) return refuse("token is too long");
  if (!COMPACT_JWS.test(token)) return refuse("token is not a compact JWS");

  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse("token header is not a JSON object");
  }
  if (typeof header.alg !== "string" || !ALGORITHMS.includes(header.alg)) return refuse("token alg is not allowed");
  if (typeof header.kid !== "string" || header.kid.length === 0 || header.kid.length > 200)
    return refuse("token has no usable kid");

  const keySet = await keys.keySetFor(header.kid);
  if (!keySet) return refuse("token kid is not one of the auth server's keys");
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keySet, { algorithms: ALGORITHMS }));
  } catch (err) {
    // jose's errors (bad signature, expired, alg/key mismatch, malformed payload) all mean "not a
    // token of ours"; the key source already answered, so nothing here is an outage.
    const code = (err as { code?: unknown } | null)?.code; // jose's ERR_JWS_…, ERR_JWT_… (names are minified)
    return refuse(`token did not verify (${typeof code === "string" ? code : "error"})`);
  }
  const claims = acceptClaims(payload);
  return claims.ok ? claims : refuse(claims.reason);
}

function refuse(reason: string): TokenVerdict {
  return { ok: false, reason };
}
