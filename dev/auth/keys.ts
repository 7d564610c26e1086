// One ES256 signing key per run, published the way Supabase publishes asymmetric JWT keys,
// so getClaims() in auth-js verifies our tokens locally exactly as it does in production.
import {
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from "jose";
import { randomUUID } from "node:crypto";

export type SigningKey = {
  kid: string;
  jwks: { keys: JWK[] };
  sign(claims: JWTPayload): Promise<string>;
  /** Resolves to the claims, or rejects with JwtRejected worded like GoTrue's JWT library (golang-jwt). */
  verify(token: string): Promise<JWTPayload>;
};

export class JwtRejected extends Error {}

export async function createSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = {
    ...(await exportJWK(publicKey)),
    kid,
    alg: "ES256",
    use: "sig",
    key_ops: ["verify"],
    ext: true,
  };

  return {
    kid,
    jwks: { keys: [publicJwk] },
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey),
    async verify(token) {
      let header;
      try {
        header = decodeProtectedHeader(token);
      } catch (err) {
        throw new JwtRejected(`token is malformed: ${(err as Error).message}`);
      }
      if (header.kid !== kid) {
        // GoTrue falls back to the HS256 secret for unknown kids; with no such secret here, nothing verifies.
        throw new JwtRejected(
          `token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${header.kid ?? "<nil>"} for algorithm ${header.alg ?? "<nil>"}`,
        );
      }
      try {
        const { payload } = await jwtVerify(token, publicKey, { algorithms: ["ES256"] });
        return payload;
      } catch (err) {
        throw new JwtRejected(describeJoseError(err));
      }
    },
  };
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "token has invalid claims: token is expired";
  if (err instanceof errors.JWTClaimValidationFailed) return `token has invalid claims: ${err.message}`;
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return "token signature is invalid: crypto/ecdsa: verification error";
  if (err instanceof errors.JOSEAlgNotAllowed) return `token signature is invalid: ${err.message}`;
  return `token is malformed: ${(err as Error).message}`;
}
