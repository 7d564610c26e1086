// POST /api/portal - create a Stripe Customer Portal session for a company the caller manages
import { NextResponse } from "next/server";
import { claimsFromRequest } from "@/lib/auth";
import { type BillingFailure, failure, statusOf, unavailable, UnavailableError } from "@/lib/billing/errors";
import { clickDeadline, createPortalSession } from "@/lib/billing/portal";
import { errorFields, log } from "@/lib/log";

export async function POST(request: Request) {
  const deadline = clickDeadline();
  try {
    const claims = await claimsFromRequest(request);
    const body = await readJson(request);
    const result = await createPortalSession(claims, body.ok ? body.value : undefined, {
      userAgent: request.headers.get("user-agent"),
      unreadableBody: body.ok ? undefined : body.error,
      deadline,
    });
    return result.ok ? NextResponse.json({ url: result.url }) : fail(result.error);
  } catch (err) {
    // A dependency that is down (auth server, database) is a 503 naming it, never a 500.
    if (err instanceof UnavailableError) return fail(unavailable(err.code));
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

function fail(error: BillingFailure) {
  const headers = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
  return NextResponse.json({ error: error.message, code: error.code }, { status: statusOf(error.code), headers });
}

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; error: BillingFailure }> {
  const text = await request.text();
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
