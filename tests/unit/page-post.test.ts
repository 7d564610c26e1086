// What the proxy lets through to Next's server-action decoder: what a browser sends, and
// nothing Next would answer with a 500.
import { describe, expect, test } from "vitest";
import { checkPagePost, MAX_PAGE_POST_BYTES } from "@/lib/http/page-post";

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://localhost/login", { method: "POST", body, headers });
const action = { "next-action": "6042b1e616835ed7a7b00ff0d7c38f2b415ef71025" };

const BOUNDARY = "----WebKitFormBoundarylYQ1SlVjseA5862r"; // Chromium's shape: mixed case
/** A fetch action's multipart body as Chromium sends it. */
function browserForm(root: string | null, headers: Record<string, string> = action) {
  const fields: [string, string][] = [
    ["_1_email", "owner@acme.test"],
    ["_1_password", "password123"],
    ...(root === null ? [] : ([["0", root]] as [string, string][])),
  ];
  const body = fields
    .map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("");
  return post(`${body}--${BOUNDARY}--\r\n`, {
    ...headers,
    "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
  });
}

describe("checkPagePost", () => {
  test("lets through what React sends: multipart with a mixed-case boundary, a JSON argument list, a plain form post", async () => {
    expect(await checkPagePost(browserForm('[{},"$K1"]'))).toBeNull();
    expect(await checkPagePost(post('[{},"x"]', { ...action, "content-type": "text/plain;charset=UTF-8" }))).toBeNull();
    expect(await checkPagePost(browserForm(null, {}))).toBeNull(); // no JavaScript: an MPA form post
  });

  test("leaves the body readable for Next", async () => {
    const request = post('[{},"x"]', { ...action, "content-type": "text/plain" });
    await checkPagePost(request);
    expect(await request.text()).toBe('[{},"x"]');
  });

  test.each([
    ["a JSON string", '"x"', "text/plain"],
    ["a JSON object", "{}", "text/plain"],
    ["not JSON", "nope", "text/plain"],
    ["not UTF-8", new Uint8Array([0x5b, 0xff, 0x5d]), "text/plain"],
    ["broken multipart", "garbage", "multipart/form-data; boundary=XX"],
    ["multipart without a boundary", "garbage", "multipart/form-data"],
  ])("refuses %s", async (_name, body, type) => {
    expect(await checkPagePost(post(body as BodyInit, { ...action, "content-type": type }))).toBe("malformed");
  });

  test("refuses a fetch action whose multipart has no argument list, or a non-list one", async () => {
    expect(await checkPagePost(browserForm(null))).toBe("malformed");
    expect(await checkPagePost(browserForm('"x"'))).toBe("malformed");
  });

  test("refuses a body over the limit, declared or streamed, without waiting for the rest", async () => {
    const big = `["${"x".repeat(MAX_PAGE_POST_BYTES)}"]`;
    expect(await checkPagePost(post(big, { ...action, "content-type": "text/plain" }))).toBe("too_large");
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(16 * 1024).fill(0x20)) });
    const streamed = new Request("http://localhost/login", {
      method: "POST",
      body: endless,
      headers: { ...action, "content-type": "text/plain" },
      duplex: "half",
    } as RequestInit);
    expect(await checkPagePost(streamed)).toBe("too_large");
  });
});
