import "server-only";
import { NextResponse } from "next/server";
import { type Claims, claimsFromRequest } from "@/lib/auth";
import { type BillingFailure, failure, statusOf, UnavailableError } from "@/lib/billing/errors";
import { errorFields, log } from "@/lib/log";

export type RequestContext = { userAgent: string | null; unreadableBody?: BillingFailure };
type Outcome = { ok: true } | { ok: false; error: BillingFailure };

/**
 * What every billing POST route does around its one lib call: the caller's verified claims
 * (Bearer token or session cookie), the JSON body read without trusting it, the answer as JSON
 * or `{ error, code }` with the list's status. Guards every route must have belong here.
 */
export async function handleBillingPost<T extends Outcome>(
  request: Request,
  failedEvent: string,
  run: (claims: Claims | null, body: unknown, ctx: RequestContext) => Promise<T>,
  answer: (result: Extract<T, { ok: true }>) => Record<string, unknown>,
): Promise<Response> {
  try {
    const claims = await claimsFromRequest(request);
    const body = await readJson(request);
    const result = await run(claims, body.ok ? body.value : undefined, {
      userAgent: request.headers.get("user-agent"),
      unreadableBody: body.ok ? undefined : body.error,
    });
    if (!result.ok) return fail((result as Extract<Outcome, { ok: false }>).error);
    return NextResponse.json(answer(result as Extract<T, { ok: true }>));
  } catch (err) {
    if (err instanceof UnavailableError) return fail(failure(err.code));
    log.error(failedEvent, errorFields(err));
    return fail(failure("internal"));
  }
}

/** GET, PUT, PATCH and DELETE of a POST-only route: 405 with Allow. */
export function methodNotAllowed(message: string) {
  return () =>
    NextResponse.json({ error: message, code: "invalid_request" }, { status: 405, headers: { Allow: "POST" } });
}

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
