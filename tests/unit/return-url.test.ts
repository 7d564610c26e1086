import { describe, expect, test } from "vitest";
import { isRelativePath, resolveReturnUrl } from "@/lib/billing/return-url";

const opts = {
  appUrl: "https://app.example.com",
  allowedOrigins: new Set([
    "https://app.example.com",
    "https://my-app-git-feature.vercel.app",
    "https://admin.example.com",
  ]),
  fallbackPath: "/billing",
};
const ok = (value: string | undefined) => resolveReturnUrl(value, opts);

describe("resolveReturnUrl", () => {
  test("defaults to this app's /billing", () => {
    expect(ok(undefined)).toEqual({ ok: true, url: "https://app.example.com/billing" });
  });

  test.each([
    ["/billing", "https://app.example.com/billing"],
    ["/billing?tab=invoices#top", "https://app.example.com/billing?tab=invoices#top"],
    ["/settings/billing/../team", "https://app.example.com/settings/team"],
    ["https://app.example.com/account", "https://app.example.com/account"],
    ["https://my-app-git-feature.vercel.app/billing", "https://my-app-git-feature.vercel.app/billing"],
    ["https://admin.example.com/", "https://admin.example.com/"],
  ])("accepts %s", (value, url) => {
    expect(ok(value)).toEqual({ ok: true, url });
  });

  test.each([
    "https://evil.example.net/billing",
    "//evil.example.net/billing",
    "/\\evil.example.net",
    "\\\\evil.example.net",
    "/\t/evil.example.net",
    "https://app.example.com.evil.net/",
    "https://app.example.com@evil.net/",
    "https://user:pass@app.example.com/",
    "http://app.example.com/billing",
    "https://app.example.com:8443/billing",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://app.example.com/",
    "billing",
    "",
    " https://app.example.com/",
    "/" + "a".repeat(2048),
    "https://APP.example.com\u0000.evil.net/",
  ])("refuses %j", (value) => {
    expect(ok(value)).toEqual({ ok: false, error: expect.objectContaining({ code: "invalid_return_url" }) });
  });
});

describe("isRelativePath", () => {
  test.each([
    ["/billing", true],
    ["/", true],
    ["//x", false],
    ["/\\x", false],
    ["http://x", false],
    ["x", false],
    ["/a\nb", false],
  ])("%j → %s", (v, expected) => {
    expect(isRelativePath(v)).toBe(expected);
  });
});
