import "server-only";
import { env } from "@/lib/env";

// Structured JSON lines. Secrets and portal URLs never go in: callers pass ids and codes,
// and redact() strips anything that still looks like a key or a connection password.

type Fields = Record<string, unknown>;

// Each pattern takes the WHOLE secret: every character lib/env.ts accepts in a key's tail
// (Stripe keys: letters, digits, "_"; webhook secrets also "+", "/", "=", "-"), a connection
// string's credentials up to the last "@" on its line (passwords may hold ":", "/", "@", even
// spaces; over-redacting the rest of a line is the safe side), a token to its end.
const SECRETS: [RegExp, string][] = [
  [/(?<![A-Za-z0-9])(sk|rk|pk)_(test|live)_[A-Za-z0-9_+/=-]+/g, "$1_$2_[redacted]"],
  [/(?<![A-Za-z0-9])(whsec|sb_secret)_[A-Za-z0-9_+/=-]+/g, "$1_[redacted]"],
  [/(postgres(?:ql)?:\/\/)[^\n]*@/g, "$1[redacted]@"],
  [/(Bearer\s+)[^\s"]+/gi, "$1[redacted]"],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted jwt]"],
];

export function redact(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Every string in a log record, redacted before it is serialised (JSON escaping would hide a secret's shape). */
function redactDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[repeated]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, seen));
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, seen)]));
}

function write(level: "debug" | "info" | "warn" | "error", msg: string, fields: Fields) {
  const line = JSON.stringify(redactDeep({ level, msg, time: new Date().toISOString(), ...fields }));
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

function debugEnabled(): boolean {
  try {
    return env().debug;
  } catch {
    return false;
  }
}

export const log = {
  debug: (msg: string, fields: Fields = {}) => debugEnabled() && write("debug", msg, fields),
  info: (msg: string, fields: Fields = {}) => write("info", msg, fields),
  warn: (msg: string, fields: Fields = {}) => write("warn", msg, fields),
  error: (msg: string, fields: Fields = {}) => write("error", msg, fields),
};

export function errorFields(err: unknown): Fields {
  if (err instanceof Error) {
    const e = err as Error & { type?: string; code?: string; statusCode?: number; requestId?: string };
    return {
      errorName: e.name,
      errorType: e.type,
      errorCode: e.code,
      status: e.statusCode,
      requestId: e.requestId,
      errorMessage: e.message,
      ...(debugEnabled() ? { stack: e.stack } : {}),
    };
  }
  return { errorMessage: String(err) };
}
