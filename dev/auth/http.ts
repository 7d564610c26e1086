// The wire format of GoTrue's answers, so auth-js parses our errors exactly as it parses Supabase's.
import type { IncomingMessage, ServerResponse } from "node:http";

const API_VERSION_HEADER = "x-supabase-api-version";
const API_VERSION_2024 = Date.UTC(2024, 0, 1);

/** An error GoTrue would answer with an error_code (apierrors.HTTPError). */
export class GoTrueError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GoTrue's older OAuth-shaped errors ({ error, error_description }), still used for a few cases. */
export class OAuthError extends Error {
  readonly error: string;
  constructor(error: string, description: string) {
    super(description);
    this.error = error;
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

// GoTrue echoes the requested API version only on errors, and from 2024-01-01 on it switches the
// body to { code: "<error_code>", message }; older clients get { code: <status>, error_code, msg }.
function requestedApiVersion(req: IncomingMessage): string | null {
  const raw = req.headers[API_VERSION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(date) && date >= API_VERSION_2024 ? "2024-01-01" : null;
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (error instanceof OAuthError) {
    sendJson(res, 400, { error: error.error, error_description: error.message });
    return;
  }
  const e =
    error instanceof GoTrueError
      ? error
      : new GoTrueError(500, "unexpected_failure", "Unexpected failure, please check server logs for more information");
  const version = requestedApiVersion(req);
  const headers: Record<string, string> = { "x-sb-error-code": e.code };
  if (version) {
    headers["X-Supabase-Api-Version"] = version;
    sendJson(res, e.status, { code: e.code, message: e.message }, headers);
  } else {
    sendJson(res, e.status, { code: e.status, error_code: e.code, msg: e.message }, headers);
  }
}

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new GoTrueError(400, "bad_json", `Could not parse request body as JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GoTrueError(400, "bad_json", "Could not parse request body as JSON: expected an object");
  }
  return parsed as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === "string" ? value : "";
}
