import { z } from "zod";
import type { BillingFailure } from "@/lib/billing/errors";
import { failure } from "@/lib/billing/errors";

// What a client may send: which company (only needed with several), where to come back, and
// which portal task to open directly.
// Never a customer: the server derives it from the company.

export const PORTAL_FLOWS = ["payment_method_update", "subscription_cancel", "subscription_update"] as const;
export type PortalFlow = (typeof PORTAL_FLOWS)[number];

export type PortalInput = { companyId?: string; returnUrl?: string; flow?: PortalFlow };

const portalInput = z.strictObject({
  companyId: z.uuid({ error: "companyId must be a company id (a UUID)." }).optional(),
  returnUrl: z.string({ error: "returnUrl must be a string." }).max(2048, "returnUrl is too long.").optional(),
  flow: z.enum(PORTAL_FLOWS, { error: `flow must be one of: ${PORTAL_FLOWS.join(", ")}.` }).optional(),
});

export const CUSTOMER_KEYS = ["customerId", "customer_id", "customer", "stripeCustomerId"];

export function parsePortalInput(
  raw: unknown,
): { ok: true; input: PortalInput } | { ok: false; error: BillingFailure } {
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
  const parsed = portalInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === "unrecognized_keys"
        ? `Unknown field: ${issue.keys.join(", ")}. Send only companyId, returnUrl and flow.`
        : (issue?.message ?? "Invalid request.");
    return { ok: false, error: failure("invalid_request", message) };
  }
  return { ok: true, input: parsed.data };
}

/** Form posts carry the same fields; empty strings mean "not given". */
export function portalInputFromForm(form: FormData): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue; // React's own hidden fields
    if (typeof value === "string" && value !== "") raw[key] = value;
  }
  return raw;
}
