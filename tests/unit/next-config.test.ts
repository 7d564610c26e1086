// next.config.js: the build type-checks (on Vercel it is the only check), and every page
// carries the headers that keep other origins from framing it.
import type { NextConfig } from "next";
import { describe, expect, test } from "vitest";

const configPath = "../../next.config.js"; // plain JS, as Next loads it
// A function of the phase: the production server's configuration is what pages get.
const load = async () =>
  ((await import(configPath)) as { default: (phase: string) => NextConfig }).default("phase-production-server");

describe("next.config.js", () => {
  test("type errors fail the build", async () => {
    expect((await load()).typescript?.ignoreBuildErrors).not.toBe(true);
  });

  test("every path gets frame-ancestors 'none' and X-Frame-Options DENY", async () => {
    const rules = await (await load()).headers!();
    const all = rules.find((r) => r.source === "/:path*");
    expect(all?.headers).toEqual(
      expect.arrayContaining([
        { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
        { key: "X-Frame-Options", value: "DENY" },
      ]),
    );
  });
});
