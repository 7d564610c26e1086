import { unavailable, UNAVAILABLE_RETRY_AFTER_SECONDS, type UnavailableCode } from "@/lib/billing/errors";
import { ErrorAlert } from "./error-alert";

/**
 * What the page shows while a dependency is down: the plain sentence for it, and a way to look
 * again. The browser also looks again by itself (a meta refresh, so it works without
 * JavaScript), and the page is back as soon as the dependency is.
 */
export function Outage({ code, retryHref }: { code: UnavailableCode; retryHref: string }) {
  return (
    <div className="space-y-3">
      <meta httpEquiv="refresh" content={String(UNAVAILABLE_RETRY_AFTER_SECONDS)} />
      <ErrorAlert error={unavailable(code)} />
      <a href={retryHref} className="inline-block text-sm font-medium text-indigo-700 underline">
        Try again
      </a>
    </div>
  );
}
