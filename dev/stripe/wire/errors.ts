// Error envelopes as Stripe writes them. The SDK picks its error class from the
// HTTP status plus `type`/`code` (see generateV1Error in stripe/esm/Error.js),
// so both have to match what the real API sends.

export type ErrorFields = {
  code?: string;
  doc_url?: string;
  message: string;
  param?: string;
  type: string;
};

export class StripeApiError extends Error {
  readonly status: number;
  readonly fields: ErrorFields;
  readonly headers: Record<string, string>;
  // Stripe adds a dashboard log link to errors raised while handling a request,
  // not to the ones its edge answers (auth, unknown URL).
  readonly logged: boolean;

  constructor(
    status: number,
    fields: ErrorFields,
    options: { logged?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(fields.message);
    this.status = status;
    this.fields = fields;
    this.logged = options.logged ?? true;
    this.headers = options.headers ?? {};
  }

  body(requestId: string): { error: Record<string, string> } {
    const log = this.logged
      ? { request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(Date.now() / 1000)}` }
      : {};
    const merged: Record<string, string | undefined> = { ...this.fields, ...log };
    const error: Record<string, string> = {};
    for (const key of Object.keys(merged).sort()) {
      const value = merged[key];
      if (value !== undefined) error[key] = value;
    }
    return { error };
  }
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;

function coded(status: number, code: string, message: string, param?: string): StripeApiError {
  return new StripeApiError(status, { code, doc_url: docUrl(code), message, param, type: "invalid_request_error" });
}

export const invalidRequest = (message: string, param?: string) =>
  new StripeApiError(400, { message, param, type: "invalid_request_error" });

export const parameterMissing = (param: string) =>
  coded(400, "parameter_missing", `Missing required param: ${param}.`, param);

export function parameterUnknown(params: string[]): StripeApiError {
  const plural = params.length > 1 ? "parameters" : "parameter";
  return coded(400, "parameter_unknown", `Received unknown ${plural}: ${params.join(", ")}`, params[0]);
}

export const parameterInvalidEmpty = (param: string) =>
  coded(
    400,
    "parameter_invalid_empty",
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
  );

export const parameterInvalidInteger = (param: string, value: string) =>
  coded(400, "parameter_invalid_integer", `Invalid integer: ${value}`, param);

export const urlInvalid = (param: string) => coded(400, "url_invalid", "Not a valid URL", param);

export const emailInvalid = (param: string, value: string) =>
  coded(400, "email_invalid", `Invalid email address: ${value}`, param);

export const resourceMissing = (noun: string, id: string, param: string, status = 404) =>
  coded(status, "resource_missing", `No such ${noun}: '${id}'`, param);

export const onlyOneOf = (...params: string[]) =>
  invalidRequest(`You may only specify one of these parameters: ${params.join(", ")}.`, params[0]);

export const alreadyExists = (noun: string, param: string) =>
  coded(400, "resource_already_exists", `${noun} already exists.`, param);

// A parameter Stripe takes that this stand-in has nothing behind: refused, and saying so,
// rather than accepted and silently ignored.
export const notInStandIn = (param: string, what = `\`${param}\``) =>
  invalidRequest(`The local Stripe stand-in does not support ${what}.`, param);

export const cannotExpand = (path: string) => invalidRequest(`This property cannot be expanded (${path}).`);

// Reported by users against live Stripe; no doc_url is known for this code.
export const expansionTooDeep = (path: string) =>
  new StripeApiError(400, {
    code: "property_expansion_max_depth",
    message: `You cannot expand more than 4 levels of a property. Property: ${path}`,
    type: "invalid_request_error",
  });

export const invalidApiVersion = (version: string) =>
  new StripeApiError(
    400,
    { message: `Invalid Stripe API version: ${version}`, type: "invalid_request_error" },
    { logged: false },
  );

export const unrecognizedUrl = (method: string, path: string) =>
  new StripeApiError(
    404,
    {
      message: `Unrecognized request URL (${method}: ${path}). If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      type: "invalid_request_error",
    },
    { logged: false },
  );

const unauthorized = (message: string) =>
  new StripeApiError(
    401,
    { message, type: "invalid_request_error" },
    { logged: false, headers: { "WWW-Authenticate": 'Basic realm="Stripe"' } },
  );

export const missingApiKey = () =>
  unauthorized(
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  );

// Stripe shows a wrong key's first 8 characters (e.g. `sk_test_`) and last 4, one `*` for each
// other; a key of 12 characters or fewer keeps only its last 4.
export function invalidApiKey(key: string): StripeApiError {
  const head = key.length > 12 ? key.slice(0, 8) : "";
  const tail = key.slice(-4);
  return unauthorized(`Invalid API Key provided: ${head}${"*".repeat(key.length - head.length - tail.length)}${tail}`);
}

const idempotency = (status: number, message: string, code?: string) =>
  new StripeApiError(status, { code, message, type: "idempotency_error" });

export const idempotencyParamsMismatch = (key: string) =>
  idempotency(
    400,
    `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  );

export const idempotencyEndpointMismatch = (key: string, first: string, now: string) =>
  idempotency(
    400,
    `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${first}' vs '${now}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  );

export const idempotencyInFlight = (key: string) =>
  idempotency(
    409,
    `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
    "idempotency_key_in_use",
  );

// Bodies for injected status faults; each is what Stripe sends for that status.
export function faultError(status: number): StripeApiError {
  if (status === 429) {
    return coded(
      429,
      "rate_limit",
      "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
    );
  }
  if (status === 409) {
    return coded(
      409,
      "lock_timeout",
      "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.",
    );
  }
  if (status === 503) {
    return new StripeApiError(503, {
      message: "Stripe is temporarily unavailable. Please retry your request.",
      type: "api_error",
    });
  }
  if (status >= 500) return new StripeApiError(status, { message: "An unknown error occurred", type: "api_error" });
  return new StripeApiError(status, { message: `Injected fault (HTTP ${status})`, type: "invalid_request_error" });
}
