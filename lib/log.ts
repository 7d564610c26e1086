import "server-only";
import { env } from "@/lib/env";

// Structured JSON lines. Secrets and portal URLs never go in: callers pass ids and codes,
// and redact() strips anything that still looks like a key or a connection password.

type Fields = Record<string, unknown>;

export function redact(text: string): string {
  return text
    .replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+/g, "$1_$2_[redacted]")
    .replace(/\b(whsec)_[A-Za-z0-9]+/g, "$1_[redacted]")
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]+@/g, "$1:[redacted]@")
    .replace(/(Bearer\s+)[A-Za-z0-9._-]+/gi, "$1[redacted]");
}

function write(level: "debug" | "info" | "warn" | "error", msg: string, fields: Fields) {
  const line = redact(JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields }));
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
