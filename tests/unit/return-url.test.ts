import { describe, expect, test } from "vitest";
import { isRelativePath, resolveReturnUrl, safeNextPath } from "@/lib/billing/return-url";

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

// Paths that are not plain paths of this app: other hosts to a browser once decoded or folded,
// look-alike slashes and dots from other scripts, control characters, broken escapes.
const LOOK_ALIKES = [
  "/\u2215\u2215evil.com",
  "/\u2215evil.com",
  "/billing\u3002evil",
  "/\uff0f\uff0fevil.com",
  "\uff0f\uff0fevil.com",
  "/\uff3cevil.com",
  "/%2F%2Fevil.com",
  "/%2f/evil.com",
  "/%5Cevil.com",
  "/%5c%5cevil.com",
  "/%2e%2e//evil.com",
  "/billing/%2e%2e/%2e%2e//evil.com",
  "/%0d%0aSet-Cookie:x=1",
  "/billing%00",
  "/%E2%88%95%E2%88%95evil.com",
  "/%",
  "/%zz",
  "/%E2%88",
  "/\\evil.com",
  "/\u0000",
  "/\u007f",
  "/\u0085evil",
  "/\u00a0",
  "/billing evil",
  "/\u200b/evil.com",
  "/\ud800",
];

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
    ...LOOK_ALIKES,
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

describe("safeNextPath (sign-in's next)", () => {
  const app = "https://app.example.com";
  test.each([
    ["/billing", "/billing"],
    ["/billing?company=22222222-2222-4222-8222-000000000001", "/billing?company=22222222-2222-4222-8222-000000000001"],
    ["/settings/../billing#top", "/billing#top"],
    ["/billing?name=Acme%20Inc", "/billing?name=Acme%20Inc"],
  ])("keeps the plain path %j", (next, expected) => {
    expect(safeNextPath(next, app)).toBe(expected);
  });

  test.each([
    ...LOOK_ALIKES,
    "//evil.com",
    "https://evil.com",
    "https://app.example.com/billing",
    "javascript:alert(1)",
    "billing",
    "",
    "/" + "a".repeat(2048),
  ])("falls back to /billing for %j", (next) => {
    expect(safeNextPath(next, app)).toBe("/billing");
  });

  test.each([undefined, null, 42, ["/billing"], { next: "/billing" }])("falls back for a non-string %j", (next) => {
    expect(safeNextPath(next, app)).toBe("/billing");
  });

  test("fuzz: whatever it gets, the answer is an ASCII path on this origin that no browser reads as a host", () => {
    const alphabet = [
      "/",
      "\\",
      ".",
      "%",
      "2",
      "f",
      "F",
      "5",
      "c",
      "e",
      "a",
      "\u2215",
      "\uff0f",
      "\u3002",
      "\t",
      "\n",
      "?",
      "#",
      "@",
      ":",
    ];
    for (let i = 0; i < 5000; i++) {
      const next = Array.from(
        { length: 1 + (i % 12) },
        (_, j) => alphabet[(i * 7 + j * 13 + (i >> j)) % alphabet.length],
      ).join("");
      const out = safeNextPath(next, app);
      expect(out).toMatch(/^\/(?![/\\])[!-~]*$/);
      expect(new URL(out, app).origin).toBe(app);
    }
  });
});
