import { TimeoutError } from "@/lib/deadline";

// Which database failures mean "the database is down or too slow" (a 503, try again later)
// rather than a bug of ours (a 500).

/** postgres.js's own connection errors, and Node's socket errors. */
const CONNECTION_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), class 53
 * (insufficient resources, e.g. too many connections), 57014 (statement_timeout), 57P01–57P03
 * (shutting down, crashed, starting up).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57014$|57P0[1-3]$)/;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code);
}
