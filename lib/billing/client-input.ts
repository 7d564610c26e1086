import type { z } from "zod";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";
import { CUSTOMER_KEYS } from "@/lib/billing/input";

/**
 * A client's JSON object checked against `schema`: anything else, and any attempt to name a
 * customer, is invalid_request with a sentence that says what to send instead.
 */
export function parseClientInput<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  fields: string,
): { ok: true; input: T } | { ok: false; error: BillingFailure } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, error: failure("invalid_request", "The request body must be a JSON object.") };
  if (CUSTOMER_KEYS.some((k) => Object.hasOwn(raw, k)))
    return {
      ok: false,
      error: failure(
        "invalid_request",
        "Don't send a customer: the server derives the Stripe customer from the company. Send companyId instead.",
      ),
    };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, input: parsed.data };
  const issue = parsed.error.issues[0];
  const message =
    issue?.code === "unrecognized_keys"
      ? `Unknown field: ${issue.keys.join(", ")}. Send only ${fields}.`
      : (issue?.message ?? "Invalid request.");
  return { ok: false, error: failure("invalid_request", message) };
}
