// POST /api/portal - create a Stripe Customer Portal session for a company the caller manages
import { NextResponse } from "next/server";
import { claimsFromRequest } from "@/lib/auth";
import { isCrossSiteRequest, ownOrigins } from "@/lib/auth/same-origin";
import { SessionEndedError } from "@/lib/auth/session-ended";
import { type BillingFailure, failure, statusOf, UnavailableError } from "@/lib/billing/errors";
import { createPortalSession } from "@/lib/billing/portal";
import { env } from "@/lib/env";
import { readLimitedBody } from "@/lib/http/limited-body";
import { errorFields, log } from "@/lib/log";

// {companyId, returnUrl, flow} is well under 3 KB; 16 KB leaves room and nothing more is read.
const MAX_BODY_BYTES = 16 * 1024;
const RETRY_AFTER_SECONDS = 30;

export async function POST(request: Request) {
  const responseHeaders = new Headers();
  const fail = (error: BillingFailure) => {
    const headers = new Headers(responseHeaders);
    if (error.retryAfterSeconds) headers.set("Retry-After", String(error.retryAfterSeconds));
    return NextResponse.json({ error: error.message, code: error.code }, { status: statusOf(error.code), headers });
  };
  try {
    // A Bearer token is sent on purpose; a cookie rides along with any request a page makes.
    const byCookie = !request.headers.has("authorization");
    if (byCookie && isCrossSiteRequest(request.headers, ownOrigins(request.headers, env().appUrl)))
      return fail(failure("cross_site_request"));
    const declared = Number(request.headers.get("content-length") ?? 0);
    if (declared > MAX_BODY_BYTES) return fail(failure("payload_too_large"));

    const claims = await claimsFromRequest(request, {
      onResponseHeaders: (h) => Object.entries(h).forEach(([k, v]) => responseHeaders.set(k, v)),
    });
    // Nobody signed in: the answer is 401 whatever the body says, so it is never read.
    const body = claims ? await readJson(request) : ({ ok: true, value: {} } as const);
    if (!body.ok && body.error.code === "payload_too_large") return fail(body.error);
    const result = await createPortalSession(claims, body.ok ? body.value : undefined, {
      userAgent: request.headers.get("user-agent"),
      unreadableBody: body.ok ? undefined : body.error,
    });
    return result.ok ? NextResponse.json({ url: result.url }, { headers: responseHeaders }) : fail(result.error);
  } catch (err) {
    // The token verified but its session was signed out: as good as no token at all.
    if (err instanceof SessionEndedError) return fail(failure("unauthenticated"));
    if (err instanceof UnavailableError) {
      log.warn("api.portal_unavailable", {
        code: err.code,
        ...(err.cause === undefined ? {} : errorFields(err.cause)),
      });
      return fail({ code: err.code, message: err.message, retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
    log.error("api.portal_failed", errorFields(err));
    return fail(failure("internal"));
  }
}

const methodNotAllowed = () =>
  NextResponse.json(
    { error: "Use POST to open the billing portal.", code: "invalid_request" },
    { status: 405, headers: { Allow: "POST" } },
  );
export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; error: BillingFailure }> {
  const body = await readLimitedBody(request, MAX_BODY_BYTES);
  if (!body.ok) return { ok: false, error: failure("payload_too_large") };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body.bytes);
  } catch {
    return { ok: false, error: failure("invalid_request", "The request body is not valid UTF-8.") };
  }
  if (text.trim() === "") return { ok: true, value: {} };
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type))
    return { ok: false, error: failure("invalid_request", "Send a JSON body with Content-Type: application/json.") };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: failure("invalid_request", "The request body is not valid JSON.") };
  }
}
