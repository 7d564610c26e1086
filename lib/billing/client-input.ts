import type { z } from "zod";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";

// What every billing request body goes through (the portal's, Subscribe's): a JSON object of the
// fields its schema names, never a customer (the server derives it from the company), and a
// refusal that says what to send without echoing what was sent.

const CUSTOMER_KEYS = ["customerId", "customer_id", "customer", "stripeCustomerId"];

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
  // Unknown fields first: with many of them, a missing field is not the point.
  const issue = parsed.error.issues.find((i) => i.code === "unrecognized_keys") ?? parsed.error.issues[0];
  const message =
    issue?.code === "unrecognized_keys"
      ? `Unknown field: ${nameSome(issue.keys)}. Send only ${fields}.`
      : (issue?.message ?? "Invalid request.");
  return { ok: false, error: failure("invalid_request", message) };
}

// A message names what was wrong, but never echoes unbounded input back: at most three
// names, each cut short.
function nameSome(keys: string[]): string {
  const shown = keys.slice(0, 3).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return keys.length > 3 ? `${shown.join(", ")} and ${keys.length - 3} more` : shown.join(", ");
}

/** A form post as the same fields: empty strings mean "not given"; React's own fields are left out. */
export function inputFromForm(form: FormData): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (typeof value === "string" && value !== "") raw[key] = value;
  }
  return raw;
}
