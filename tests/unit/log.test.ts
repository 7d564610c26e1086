// Log redaction removes the WHOLE value of every secret format lib/env.ts accepts, wherever it
// sits in a log record. Keys are generated in every shape the env schema lets through.
import { randomInt } from "node:crypto";
import { afterEach, describe, expect, test, vi } from "vitest";
import { parseEnv } from "@/lib/env";
import { log, redact } from "@/lib/log";
import { baseEnv } from "./base-env.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const tail = (chars: string, min = 1, max = 120) =>
  Array.from({ length: randomInt(min, max + 1) }, () => chars[randomInt(chars.length)]).join("");
// Every tail shape: ordinary, ending or starting in the odd characters, made only of them.
const tails = (chars: string, odd: string) => [
  ...Array.from({ length: 40 }, () => tail(chars)),
  ...[...odd].flatMap((c) => [
    `${tail(ALNUM, 1, 20)}${c}`,
    `${c}${tail(ALNUM, 1, 20)}`,
    `${c}${c}${c}`,
    `${tail(ALNUM, 8, 8)}${c}${tail(ALNUM, 8, 8)}`,
  ]),
];

const accepted = (overrides: Record<string, string>) => {
  expect(() => parseEnv({ ...baseEnv, ...overrides })).not.toThrow();
};

const stripeKeys = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"].flatMap((prefix) =>
  tails(`${ALNUM}_`, "_").map((t) => `${prefix}${t}`),
);
const webhookSecrets = tails(`${ALNUM}+/=_-`, "+/=_-").map((t) => `whsec_${t}`);
const passwords = [...tails(`${ALNUM}!#$%&'()*+,-./:;<=>?@[]^_\`{|}~"\\ `, "@:/?#%\"' \\")];
const databaseUrls = passwords.flatMap((p) => [
  `postgres://postgres:${p}@db.example.com:5432/app`,
  `postgresql://postgres.abcd:${p}@aws-0-eu.pooler.supabase.com:6543/postgres?sslmode=require`,
]);

afterEach(() => vi.restoreAllMocks());

describe("redact", () => {
  test("every Stripe key format env accepts is removed whole", () => {
    for (const key of stripeKeys) {
      accepted({ STRIPE_SECRET_KEY: key });
      const prefix = key.slice(0, 8);
      expect(redact(`key=${key} next`)).toBe(`key=${prefix}[redacted] next`);
      expect(redact(`"${key}"`)).toBe(`"${prefix}[redacted]"`);
    }
  });

  test("every webhook secret format env accepts is removed whole", () => {
    for (const secret of webhookSecrets) {
      accepted({ STRIPE_WEBHOOK_SECRET: secret });
      expect(redact(`secret ${secret} next`)).toBe("secret whsec_[redacted] next");
      expect(redact(`(${secret})`)).toBe("(whsec_[redacted])");
    }
  });

  test("connection strings keep no part of their password, whatever it holds", () => {
    for (const url of databaseUrls) {
      accepted({ DATABASE_URL: url });
      const host = url.slice(url.lastIndexOf("@") + 1);
      const scheme = url.slice(0, url.indexOf("//") + 2);
      expect(redact(`connect ${url}`)).toBe(`connect ${scheme}[redacted]@${host}`);
    }
  });

  test("bearer tokens and bare JWTs are removed", () => {
    const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_";
    expect(redact(`Authorization: Bearer ${jwt}`)).toBe("Authorization: Bearer [redacted]");
    expect(redact(`token ${jwt} end`)).toBe("token [redacted jwt] end");
  });
});

describe("log lines", () => {
  test("no secret survives in any field, nested or in a message, after JSON encoding", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const cases = [
      ...stripeKeys.slice(0, 60).map((k) => [k, `${k.slice(0, 8)}[redacted]`]),
      ...webhookSecrets.slice(0, 60).map((k) => [k, "whsec_[redacted]"]),
      ...passwords.map((p) => [`postgres://u:${p}@db:5432/x`, "postgres://[redacted]@db:5432/x"]),
    ];
    for (const [value, expected] of cases) {
      log.error("test.secret", { errorMessage: `failed with ${value}`, nested: { list: [value], deep: { v: value } } });
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({
        errorMessage: `failed with ${expected}`,
        nested: { list: [expected], deep: { v: expected } },
      });
    }
  });
});
