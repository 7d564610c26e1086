// HTML building blocks shared by the hosted pages (portal, invoice).
import { formatMoney } from "../objects/invoice.ts";

export type Page = { status: number; html: string };

export const htmlResponse = (page: Page) =>
  new Response(page.html, {
    status: page.status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });

export const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const STYLE = `
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:560px;margin:48px auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(60,66,87,.12)}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;background:#ffde92;color:#a04d00;font-size:12px;font-weight:600;text-transform:uppercase}
a{color:#635bff;text-decoration:none}dt{color:#697386;font-size:14px}dd{margin:0 0 12px}
section{border-top:1px solid #e3e8ee;margin-top:24px;padding-top:8px}form{display:inline-block;margin:4px 8px 4px 0}
button{font:inherit;padding:6px 12px;border:1px solid #635bff;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}
[role=alert]{padding:8px 12px;border-radius:6px;background:#fde2dd;color:#a41c4e}[role=status]{padding:8px 12px;border-radius:6px;background:#d7f7c2;color:#05690d}`;

export function layout(title: string, body: string, lang = "en"): string {
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

export function returnLink(returnUrl: unknown): string {
  if (typeof returnUrl !== "string") return "";
  return `<p><a data-testid="portal-return" href="${escape(returnUrl)}">Return to ${escape(hostOf(returnUrl))}</a></p>`;
}

// Dates as the hosted pages print them, in UTC so tests can predict them.
export const formatDate = (seconds: number) =>
  new Date(seconds * 1000).toLocaleDateString("en-US", {
    timeZone: "UTC",
    year: "numeric",
    month: "long",
    day: "numeric",
  });

export { formatMoney };

// A plain HTML form, so every action works without JavaScript.
export function button(
  method: "get" | "post",
  action: string,
  label: string,
  fields: Record<string, string> = {},
): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("");
  return `<form method="${method}" action="${escape(action)}">${hidden}<button type="submit">${escape(label)}</button></form>`;
}
