import type Stripe from "stripe";

type PortalLocale = Stripe.BillingPortal.SessionCreateParams.Locale;

// Stripe's Customer Portal locales (apiVersion pinned in lib/stripe.ts).
const portalLocales = new Set<string>([
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-AU",
  "en-CA",
  "en-GB",
  "en-IE",
  "en-IN",
  "en-NZ",
  "en-SG",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] satisfies PortalLocale[]);

/**
 * The user's locale as Stripe names it, when their profile says one Stripe supports.
 * Unknown means undefined: Stripe then uses the browser's language.
 */
export function portalLocale(userMetadata: unknown): PortalLocale | undefined {
  const raw = (userMetadata as { locale?: unknown } | null | undefined)?.locale;
  if (typeof raw !== "string") return undefined;
  if (portalLocales.has(raw)) return raw;
  const base = raw.split(/[-_]/)[0]?.toLowerCase();
  return base && portalLocales.has(base) ? base : undefined;
}
