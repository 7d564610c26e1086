// Which browser requests count as this app's own (CSRF on cookie-authenticated requests).
import { describe, expect, test } from "vitest";
import { isCrossSiteRequest, ownOrigins } from "@/lib/auth/same-origin";

const APP = "https://app.example.com";
const req = (headers: Record<string, string>) => new Headers({ host: "app.example.com", ...headers });
const crossSite = (headers: Record<string, string>) => {
  const h = req(headers);
  return isCrossSiteRequest(h, ownOrigins(h, APP));
};

describe("isCrossSiteRequest", () => {
  test.each([
    [{ origin: APP }],
    [{ "sec-fetch-site": "same-origin" }],
    [{ "sec-fetch-site": "none" }],
    [{}],
    // A preview URL of the same deployment, as the request itself was addressed.
    [{ host: "my-app-git-x.vercel.app", origin: "https://my-app-git-x.vercel.app" }],
  ])("accepts %j", (headers) => {
    expect(crossSite(headers)).toBe(false);
  });

  test.each([
    [{ origin: "https://evil.example.net" }],
    [{ origin: "https://app.example.com:8443" }],
    [{ origin: "http://app.example.com" }],
    [{ origin: "https://billing.example.com" }],
    [{ origin: "https://app.example.com.evil.net" }],
    [{ origin: "null" }],
    [{ origin: "" }],
    [{ origin: "HTTPS://APP.EXAMPLE.COM " }],
    [{ "sec-fetch-site": "same-site" }],
    [{ "sec-fetch-site": "cross-site" }],
    [{ "sec-fetch-site": "bogus" }],
    // Origin decides even when Sec-Fetch-Site says same-origin.
    [{ origin: "https://evil.example.net", "sec-fetch-site": "same-origin" }],
  ])("refuses %j", (headers) => {
    expect(crossSite(headers)).toBe(true);
  });

  test("a sibling port of localhost is another origin", () => {
    const h = new Headers({ host: "localhost:3100", origin: "http://localhost:3101" });
    expect(isCrossSiteRequest(h, ownOrigins(h, "http://localhost:3100"))).toBe(true);
    const same = new Headers({ host: "localhost:3100", origin: "http://localhost:3100" });
    expect(isCrossSiteRequest(same, ownOrigins(same, "http://localhost:3100"))).toBe(false);
  });
});
