import Link from "next/link";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import { failure } from "@/lib/billing/errors";
import { checkoutReturn } from "@/lib/billing/checkout-return";
import { companiesForUser, type CompanySummary } from "@/lib/billing/queries";
import { signOut } from "@/app/login/actions";
import { ErrorAlert } from "./error-alert";
import { CheckoutNotice } from "./checkout-notice";
import { CompanyBilling } from "./company-billing";

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{
    company?: string | string[];
    checkout_session?: string | string[];
    checkout?: string | string[];
  }>;
}) {
  const claims = await currentClaims();
  if (!claims) redirect("/login?next=/billing");
  const params = await searchParams;
  const { company: wanted } = params;
  // Back from Stripe Checkout: the subscription is recorded before the page reads the database.
  const checkoutResult = await checkoutReturn(claims, params);
  const companies = await companiesForUser(claims);
  const selected =
    typeof wanted === "string"
      ? companies.find((c) => c.id === wanted)
      : companies.length === 1
        ? companies[0]
        : undefined;

  return (
    <div className="space-y-6">
      <header className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Billing</h1>
        <form action={signOut} className="flex items-center gap-3 text-sm text-slate-600">
          <span>{claims.email}</span>
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </header>

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
