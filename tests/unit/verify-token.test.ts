// Whatever arrives as a token, verifyAccessToken answers with a verdict: never a throw, never
// claims unless an allowed algorithm, a published key and Supabase's claims all agree.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { verifyAccessToken, type KeySource } from "@/lib/auth/verify-token";

const b64 = (v: string | Uint8Array) => Buffer.from(v).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

let ecKid: string;
let rsaKid: string;
let keys: KeySource & { asked: string[] };
let sign: (claims: JWTPayload, header?: Record<string, unknown>) => Promise<string>;
let signRs: (claims: JWTPayload) => Promise<string>;
let foreignSign: (claims: JWTPayload, kid: string) => Promise<string>;

const goodClaims = (): JWTPayload => ({
  sub: randomUUID(),
  role: "authenticated",
  aud: "authenticated",
  exp: now() + 3600,
  iat: now(),
  session_id: randomUUID(),
  email: "owner@acme.test",
});

beforeAll(async () => {
  const ec = await generateKeyPair("ES256", { extractable: true });
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("ES256");
  ecKid = randomUUID();
  rsaKid = randomUUID();
  const jwks = {
    keys: [
      { ...(await exportJWK(ec.publicKey)), kid: ecKid, alg: "ES256", use: "sig" } as JWK,
      { ...(await exportJWK(rsa.publicKey)), kid: rsaKid, alg: "RS256", use: "sig" } as JWK,
    ],
  };
  const set = createLocalJWKSet(jwks);
  const asked: string[] = [];
  keys = {
    asked,
    keySetFor: async (kid) => {
      asked.push(kid);
      return kid === ecKid || kid === rsaKid ? set : null;
    },
  };
  sign = (claims, header = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: ecKid, typ: "JWT", ...header }).sign(ec.privateKey);
  signRs = (claims) => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: rsaKid }).sign(rsa.privateKey);
  foreignSign = (claims, kid) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid }).sign(foreign.privateKey);
});

describe("verifyAccessToken", () => {
  test("accepts Supabase's ES256 and RS256 tokens signed by a published key", async () => {
    const claims = goodClaims();
    expect(await verifyAccessToken(await sign(claims), keys)).toEqual({
      ok: true,
      claims: expect.objectContaining({ sub: claims.sub, session_id: claims.session_id }),
    });
    expect((await verifyAccessToken(await signRs(goodClaims()), keys)).ok).toBe(true);
  });

  const refused = async (token: unknown) => {
    const verdict = await verifyAccessToken(token, keys);
    expect(verdict).toEqual({ ok: false, reason: expect.any(String) });
  };

  test("alg none in every casing, with the real kid, is refused", async () => {
    const body = b64(JSON.stringify(goodClaims()));
    const casings = new Set<string>();
    for (let mask = 0; mask < 16; mask++)
      casings.add([..."none"].map((c, i) => (mask & (1 << i) ? c.toUpperCase() : c)).join(""));
    for (const alg of casings)
      for (const signature of ["", "x", b64(randomBytes(64))])
        await refused(`${b64(JSON.stringify({ alg, kid: ecKid, typ: "JWT" }))}.${body}.${signature}`);
  });

  test("other algorithms with the real kid are refused: RS256 on the EC key, ES384, HS256, PS256, EdDSA", async () => {
    const body = b64(JSON.stringify(goodClaims()));
    for (const alg of ["RS256", "ES384", "ES512", "HS256", "HS512", "PS256", "EdDSA", "es256", "ES256 "])
      for (const kid of [ecKid, rsaKid])
        await refused(`${b64(JSON.stringify({ alg, kid }))}.${body}.${b64(randomBytes(64))}`);
    // A real ES256 signature relabelled as RS256 or carried by the RSA key's kid.
    const [h, p, sig] = (await sign(goodClaims())).split(".");
    await refused(
      `${b64(JSON.stringify({ ...JSON.parse(Buffer.from(h!, "base64url").toString()), alg: "RS256" }))}.${p}.${sig}`,
    );
    await refused(`${b64(JSON.stringify({ alg: "ES256", kid: rsaKid }))}.${p}.${sig}`);
  });

  test("headers that are not a JSON object are refused", async () => {
    const body = b64(JSON.stringify(goodClaims()));
    const sig = b64(randomBytes(64));
    for (const header of ["null", "[]", '"ES256"', "42", "true", "{", "", "{}", '{"alg":"ES256"}'])
      await refused(`${b64(header)}.${body}.${sig}`);
    for (const kid of [null, 42, {}, [], "", "x".repeat(5000)])
      await refused(`${b64(JSON.stringify({ alg: "ES256", kid }))}.${body}.${sig}`);
    await refused(`${b64(new Uint8Array([0xff, 0xfe, 0xc3, 0x28]))}.${body}.${sig}`);
    await refused(
      `${b64(JSON.stringify({ alg: "ES256", kid: ecKid }))}.${b64(new Uint8Array([0xff, 0xc0, 0x80]))}.${sig}`,
    );
  });

  test("a signature by another key, on our kid or an unknown one, is refused", async () => {
    await refused(await foreignSign(goodClaims(), ecKid));
    await refused(await foreignSign(goodClaims(), randomUUID()));
  });

  test("signed tokens whose claims are not Supabase's session claims are refused", async () => {
    const variants: JWTPayload[] = [
      { ...goodClaims(), exp: now() - 10 },
      { ...goodClaims(), sub: "not-a-uuid" },
      { ...goodClaims(), role: "anon" },
      { ...goodClaims(), role: "service_role" },
      { ...goodClaims(), aud: "someone-else" },
      { ...goodClaims(), session_id: undefined },
      { ...goodClaims(), session_id: "not-a-uuid" },
      { ...goodClaims(), exp: undefined },
      { ...goodClaims(), nbf: now() + 3600 },
      { ...goodClaims(), user_metadata: "x" as unknown as Record<string, unknown> },
    ];
    for (const claims of variants) await refused(await sign(claims));
    for (const payload of ["null", "[]", "42", '"x"', "{"])
      await refused(await sign({}).then((t) => `${t.split(".")[0]}.${b64(payload)}.${t.split(".")[2]}`));
  });

  test("values that are not strings, and strings that are not compact tokens, are refused", async () => {
    for (const value of [undefined, null, 0, 42, true, {}, [], ["a.b.c"], { access_token: "x" }, Symbol("t")])
      await refused(value);
    for (const value of [
      "",
      ".",
      "..",
      "a.b",
      "a.b.c.d",
      "a..c",
      " a.b.c",
      "a.b.c\n",
      "ä.b.c",
      "a.b.c=",
      "Bearer a.b.c",
    ])
      await refused(value);
    await refused("a".repeat(100_000));
  });

  test("fuzz: 3,000 generated token shapes, none verifies and none throws", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %\u0000\u00e9\u2215";
    const pieces = [
      () => b64(randomBytes(randomInt(0, 200))),
      () =>
        b64(
          JSON.stringify({
            alg: ["none", "ES256", "RS256", "HS256", "NONE"][randomInt(5)],
            kid: [ecKid, rsaKid, randomUUID()][randomInt(3)],
          }),
        ),
      () => b64(JSON.stringify(goodClaims())),
      () => Array.from({ length: randomInt(0, 40) }, () => alphabet[randomInt(alphabet.length)]).join(""),
      () => b64(JSON.stringify([null, 1, "x", {}][randomInt(4)])),
    ];
    const pick = () => pieces[randomInt(pieces.length)]!();
    for (let i = 0; i < 3000; i++) {
      const segments = Array.from({ length: randomInt(1, 5) }, pick);
      const token = i % 100 === 0 ? b64(randomBytes(randomInt(2000, 9000))) : segments.join(".");
      const verdict = await verifyAccessToken(token, keys);
      expect(verdict.ok).toBe(false);
    }
  });
});
