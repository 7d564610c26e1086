import { describe, expect, test } from "vitest";
import { portalLocale } from "@/lib/billing/locale";
import { literal } from "@/lib/db";
import { redact } from "@/lib/log";

describe("portalLocale", () => {
  test.each([
    [{ locale: "fr" }, "fr"],
    [{ locale: "pt-BR" }, "pt-BR"],
    [{ locale: "de_AT" }, "de"],
    [{ locale: "en-US" }, "en"],
    [{ locale: "xx" }, undefined],
    [{ locale: 5 }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ])("%j → %s", (meta, expected) => {
    expect(portalLocale(meta)).toBe(expected);
  });
});

describe("literal", () => {
  test("dollar-quotes with a tag that does not occur in the value", () => {
    const v = "it's $$ a $v0$ test";
    const out = literal(v);
    const tag = /^(\$v[0-9a-f]{16}\$)/.exec(out)?.[1];
    expect(tag).toBeDefined();
    expect(out).toBe(`${tag}${v}${tag}`);
  });
  test("refuses NUL", () => {
    expect(() => literal("a\u0000b")).toThrow();
  });
});

describe("redact", () => {
  test("keys, connection passwords and bearer tokens never reach a log line", () => {
    const line = redact(
      '{"a":"sk_test_51Abc123","b":"postgres://postgres:hunter2@db:5432/x","c":"Bearer eyJ.abc.def","d":"whsec_abc","e":"rk_live_9"}',
    );
    expect(line).not.toMatch(/51Abc123|hunter2|eyJ\.abc|whsec_abc|rk_live_9/);
  });
});
