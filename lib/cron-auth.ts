import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * Whether a request comes from Vercel Cron: it sends `Authorization: Bearer <CRON_SECRET>`.
 * Compared in constant time (as digests, so lengths don't leak). Without CRON_SECRET nothing
 * is authorized.
 */
export function isCronRequest(request: Request): boolean {
  const secret = env().cronSecret;
  if (!secret) {
    log.error("cron.not_configured", { hint: "set CRON_SECRET (16+ random characters) in the project's environment" });
    return false;
  }
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(request.headers.get("authorization") ?? ""), digest(`Bearer ${secret}`));
}
