// The one list of failure codes, with their HTTP status and the sentence a person reads.
// Expected failures are values of this shape; unexpected ones throw.

export const billingErrors = {
  unauthenticated: { status: 401, message: "Please sign in to manage billing." },
  forbidden: {
    status: 403,
    message: "Your role in this company can't manage billing. Ask an owner, an admin or a billing manager.",
  },
  company_not_found: { status: 404, message: "We couldn't find that company among the ones you belong to." },
  no_billing_account: {
    status: 409,
    message:
      "This company has no billing account yet, so there is no portal to open. Subscribe to a plan first, or ask support to link the company's Stripe customer.",
  },
  customer_not_found: {
    status: 404,
    message: "This company's billing account no longer exists in Stripe. Contact support to link a new one.",
  },
  portal_not_configured: {
    status: 503,
    message:
      "Portal configuration not set up. An administrator needs to save the Customer Portal settings in the Stripe Dashboard (Settings → Billing → Customer portal) or set STRIPE_PORTAL_CONFIG_ID to an existing configuration.",
  },
  invalid_return_url: {
    status: 400,
    message: "That return address isn't allowed. Use a path on this app or one of its allowed origins.",
  },
  invalid_request: { status: 400, message: "The request was not understood." },
  plan_not_found: {
    status: 404,
    message: "That plan isn't on offer. Choose one of the plans listed on the billing page.",
  },
  checkout_in_progress: {
    status: 409,
    message:
      "Someone else in your company started a subscription at the same moment. Wait a minute, reload the billing page and check before trying again.",
  },
  cross_site_request: {
    status: 403,
    message: "This request came from another site, so it was refused. Open the billing page on this app and try again.",
  },
  payload_too_large: {
    status: 413,
    message: "The request is too large. Send only the fields this endpoint takes.",
  },
  rate_limited: {
    status: 429,
    message: "Too many portal sessions were opened just now. Please wait a minute and try again.",
  },
  stripe_unavailable: {
    status: 503,
    message: "Stripe isn't responding right now, so the billing portal can't open. Please try again in a minute.",
  },
  database_unavailable: {
    status: 503,
    message: "The billing database isn't answering right now. This is temporary: please try again in a minute.",
  },
  auth_unavailable: {
    status: 503,
    message:
      "We can't check your sign-in right now because the sign-in service isn't answering. This is temporary: please try again in a minute.",
  },
  internal: {
    status: 500,
    message: "Something went wrong on our side. Please try again; if it keeps happening, contact support.",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type BillingErrorCode = keyof typeof billingErrors;

export type BillingFailure = { code: BillingErrorCode; message: string; retryAfterSeconds?: number };

export function failure(code: BillingErrorCode, message: string = billingErrors[code].message): BillingFailure {
  return { code, message };
}

export function statusOf(code: BillingErrorCode): number {
  return billingErrors[code].status;
}

export function rateLimited(
  retryAfterSeconds: number,
  limit: number,
  what = "The billing portal was opened",
): BillingFailure {
  const wait = retryAfterSeconds === 1 ? "1 second" : `${retryAfterSeconds} seconds`;
  return {
    code: "rate_limited",
    message: `${what} ${limit} times in the last minute. Please try again in ${wait}.`,
    retryAfterSeconds,
  };
}

export type UnavailableCode = "auth_unavailable" | "database_unavailable" | "stripe_unavailable";

/** Seconds a client is told to wait (Retry-After) before trying a dependency that was down again. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/** The answer for a dependency that is down or too slow: its 503 code, and when to try again. */
export function unavailable(code: UnavailableCode): BillingFailure {
  return { ...failure(code), retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
}

/**
 * A dependency that is down or too slow. Thrown from deep inside (auth, database) and answered
 * as a 503 with its own code: never a 500, and never "please sign in".
 */
export class UnavailableError extends Error {
  readonly code: UnavailableCode;
  constructor(code: UnavailableCode, options?: { cause?: unknown }) {
    super(billingErrors[code].message, options);
    this.name = "UnavailableError";
    this.code = code;
  }
}
