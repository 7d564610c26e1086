import "server-only";
import { NextResponse } from "next/server";
import { type Claims, claimsFromRequest } from "@/lib/auth";
import { isCrossSiteRequest, ownOrigins } from "@/lib/auth/same-origin";
import { SessionEndedError } from "@/lib/auth/session-ended";
import { type BillingFailure, failure, statusOf, unavailable, UnavailableError } from "@/lib/billing/errors";
import { clickDeadline, type Deadline } from "@/lib/click-deadline";
import { env } from "@/lib/env";
import { readLimitedBody } from "@/lib/http/limited-body";
import { errorFields, log } from "@/lib/log";

// A billing request is a few ids and a URL, well under 3 KB; 16 KB leaves room and nothing
// more is read.
const MAX_BODY_BYTES = 16 * 1024;

export type RequestContext = { userAgent: string | null; unreadableBody?: BillingFailure; deadline: Deadline };
type Outcome = { ok: true } | { ok: false; error: BillingFailure };

/**
 * What every billing POST route (/api/portal, /api/checkout) does around its one lib call:
 * refuse a cookie-authenticated request from another origin (a Bearer token is sent on
 * purpose, a cookie rides along with any request a page makes), the caller's verified claims,
 * a JSON body of at most 16 KB read only for a signed-in caller and never trusted, and the
 * answer as JSON or `{ error, code }` with the list's status. A dependency that is down is a
 * 503 with Retry-After; a token whose session was signed out is a 401. The click's deadline
 * starts here, so everything it waits for counts against one budget.
 */
export async function handleBillingPost<T extends Outcome>(
  request: Request,
  failedEvent: string,
  run: (claims: Claims | null, body: unknown, ctx: RequestContext) => Promise<T>,
  answer: (result: Extract<T, { ok: true }>) => Record<string, unknown>,
): Promise<Response> {
  const deadline = clickDeadline();
  const responseHeaders = new Headers();
  const fail = (error: BillingFailure) => {
    const headers = new Headers(responseHeaders);
    if (error.retryAfterSeconds) headers.set("Retry-After", String(error.retryAfterSeconds));
    return NextResponse.json({ error: error.message, code: error.code }, { status: statusOf(error.code), headers });
  };
  try {
    const byCookie = !request.headers.has("authorization");
    if (byCookie && isCrossSiteRequest(request.headers, ownOrigins(request.headers, env().appUrl)))
      return fail(failure("cross_site_request"));
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return fail(failure("payload_too_large"));

    const claims = await claimsFromRequest(request, {
      onResponseHeaders: (h) => Object.entries(h).forEach(([k, v]) => responseHeaders.set(k, v)),
    });
    // Nobody signed in: the answer is 401 whatever the body says, so it is never read.
    const body = claims ? await readJson(request) : ({ ok: true, value: {} } as const);
    if (!body.ok && body.error.code === "payload_too_large") return fail(body.error);
    const result = await run(claims, body.ok ? body.value : undefined, {
      userAgent: request.headers.get("user-agent"),
      unreadableBody: body.ok ? undefined : body.error,
      deadline,
    });
    if (!result.ok) return fail((result as Extract<Outcome, { ok: false }>).error);
    return NextResponse.json(answer(result as Extract<T, { ok: true }>), { headers: responseHeaders });
  } catch (err) {
    // The token verified but its session was signed out: as good as no token at all.
    if (err instanceof SessionEndedError) return fail(failure("unauthenticated"));
    if (err instanceof UnavailableError) {
      log.warn(`${failedEvent}.unavailable`, {
        code: err.code,
        ...(err.cause === undefined ? {} : errorFields(err.cause)),
      });
      return fail(unavailable(err.code));
    }
    log.error(failedEvent, errorFields(err));
    return fail(failure("internal"));
  }
}

/** GET, PUT, PATCH and DELETE of a POST-only route: 405 with Allow. */
export function methodNotAllowed(message: string) {
  return () =>
    NextResponse.json({ error: message, code: "invalid_request" }, { status: 405, headers: { Allow: "POST" } });
}

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
