// The hosted customer-portal page a session's `url` opens. It only has to let
// end-to-end tests see which customer and flow the app sent the browser to,
// and lead back to the app like Stripe's "Return to …" link.
import type { SessionRecord } from "./store.ts";

export type Page = { status: number; html: string };

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const STYLE = `
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:560px;margin:48px auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(60,66,87,.12)}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;background:#ffde92;color:#a04d00;font-size:12px;font-weight:600;text-transform:uppercase}
a{color:#635bff;text-decoration:none}dt{color:#697386;font-size:14px}dd{margin:0 0 12px}`;

function layout(title: string, body: string, lang = "en"): string {
  return `<!doctype html>
<html lang="${escape(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head>
<body><main><span class="badge">Test mode</span>
${body}
</main></body>
</html>
`;
}

function hostOf(returnUrl: string): string {
  try {
    return new URL(returnUrl).host;
  } catch {
    return returnUrl;
  }
}

function returnLink(returnUrl: unknown): string {
  if (typeof returnUrl !== "string") return "";
  return `<p><a data-testid="portal-return" href="${escape(returnUrl)}">Return to ${escape(hostOf(returnUrl))}</a></p>`;
}

export function portalPage(record: SessionRecord): Page {
  const { session } = record;
  const name = record.customerName ?? session.customer;
  const locale = typeof session.locale === "string" && session.locale !== "auto" ? session.locale : "en";
  const body = `
${returnLink(session.return_url)}
<h1>${escape(name)}</h1>
<dl>
<dt>Customer</dt><dd data-testid="portal-customer-id">${escape(session.customer)}</dd>
<dt>Flow</dt><dd data-testid="portal-flow">${escape(record.flowType ?? "portal_homepage")}</dd>
<dt>Session</dt><dd data-testid="portal-session-id">${escape(session.id)}</dd>
</dl>`;
  return { status: 200, html: layout("Customer portal", body, locale) };
}

export function expiredPage(record: SessionRecord): Page {
  const body = `
<h1>This portal session has expired</h1>
<p data-testid="portal-expired">This portal session has expired. Go back and open the billing portal again to start a new session.</p>
${returnLink(record.session.return_url)}`;
  return { status: 410, html: layout("Session expired · Customer portal", body) };
}

export function notFoundPage(): Page {
  const body = `
<h1>Page not found</h1>
<p data-testid="portal-not-found">This portal link is not valid. Go back and open the billing portal again.</p>`;
  return { status: 404, html: layout("Not found · Customer portal", body) };
}
