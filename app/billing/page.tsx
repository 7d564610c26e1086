import Link from "next/link";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import { SessionEndedError } from "@/lib/auth/session-ended";
import { failure, UnavailableError } from "@/lib/billing/errors";
import { checkoutReturn } from "@/lib/billing/checkout-return";
import { companiesForUser, type CompanySummary } from "@/lib/billing/queries";
import { BillingHeader } from "./billing-header";
import { ErrorAlert } from "./error-alert";
import { CheckoutNotice } from "./checkout-notice";
import { CompanyBilling } from "./company-billing";
import { Outage } from "./outage";

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{
    company?: string | string[];
    checkout_session?: string | string[];
    checkout?: string | string[];
  }>;
}) {
  const params = await searchParams;
  const { company: wanted } = params;
  const here = retryHref(params);
  const claims = await unlessUnavailable(currentClaims());
  if (claims instanceof UnavailableError) return <OutagePage error={claims} email={undefined} retryHref={here} />;
  if (!claims) redirect("/login?next=/billing");
  let checkoutResult, companies;
  try {
    // Back from Stripe Checkout: the subscription is recorded before the page reads the database.
    checkoutResult = await checkoutReturn(claims, params);
    companies = await companiesForUser(claims);
  } catch (err) {
    if (err instanceof UnavailableError) return <OutagePage error={err} email={claims.email} retryHref={here} />;
    // The token's session was signed out elsewhere: as signed out as no cookie at all.
    if (err instanceof SessionEndedError) redirect("/login?next=/billing");
    throw err;
  }
  const selected =
    typeof wanted === "string"
      ? companies.find((c) => c.id === wanted)
      : companies.length === 1
        ? companies[0]
        : undefined;

  return (
    <div className="space-y-6">
      <BillingHeader email={claims.email} />

      {checkoutResult && <CheckoutNotice result={checkoutResult} />}
      {companies.length === 0 && (
        <p className="text-slate-700">You don&apos;t belong to any company yet, so there is no billing to manage.</p>
      )}
      {typeof wanted === "string" && !selected && <ErrorAlert error={failure("company_not_found")} />}
      {companies.length > 1 && <CompanyPicker companies={companies} selectedId={selected?.id} />}
      {selected && <CompanyBilling company={selected} />}
    </div>
  );
}

/** This page again, with what it was asked (the company, a way back from Checkout), for "Try again". */
function retryHref(params: Record<string, string | string[] | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (typeof value === "string") query.set(key, value);
  return query.size > 0 ? `/billing?${query}` : "/billing";
}

/** A dependency that is down becomes a value the page shows; anything else still throws. */
function unlessUnavailable<T>(work: Promise<T>): Promise<T | UnavailableError> {
  return work.catch((err: unknown) => {
    if (err instanceof UnavailableError) return err;
    throw err;
  });
}

function OutagePage(props: { error: UnavailableError; email: string | undefined; retryHref: string }) {
  return (
    <div className="space-y-6">
      <BillingHeader email={props.email} />
      <Outage code={props.error.code} retryHref={props.retryHref} />
    </div>
  );
}

function CompanyPicker({ companies, selectedId }: { companies: CompanySummary[]; selectedId: string | undefined }) {
  return (
    <nav aria-label="Your companies" className="rounded-xl border border-slate-200 bg-white p-4">
      <p className="mb-2 text-sm text-slate-600">You belong to several companies. Choose one:</p>
      <ul className="flex flex-wrap gap-2">
        {companies.map((c) => (
          <li key={c.id}>
            <Link
              href={`/billing?company=${c.id}`}
              aria-current={c.id === selectedId ? "page" : undefined}
              className="block rounded-md border border-slate-300 px-3 py-1.5 text-sm aria-[current=page]:border-indigo-600 aria-[current=page]:bg-indigo-50"
            >
              {c.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
