import Link from "next/link";
import { redirect } from "next/navigation";
import { currentClaims } from "@/lib/auth";
import { billingErrors, failure } from "@/lib/billing/errors";
import { canManageBilling, companiesForUser, type CompanySummary } from "@/lib/billing/queries";
import { signOut } from "@/app/login/actions";
import { ErrorAlert } from "./error-alert";
import { ManageBillingForm } from "./manage-billing-form";

const roleNames = { owner: "Owner", admin: "Admin", billing: "Billing manager", member: "Member" } as const;

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ company?: string | string[] }> }) {
  const claims = await currentClaims();
  if (!claims) redirect("/login?next=/billing");
  const { company: wanted } = await searchParams;
  const companies = await companiesForUser(claims);
  const selected = typeof wanted === "string" ? companies.find((c) => c.id === wanted) : companies.length === 1 ? companies[0] : undefined;

  return (
    <div className="space-y-6">
      <header className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Billing</h1>
        <form action={signOut} className="flex items-center gap-3 text-sm text-slate-600">
          <span>{claims.email}</span>
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">Sign out</button>
        </form>
      </header>

      {companies.length === 0 && <p className="text-slate-700">You don&apos;t belong to any company yet, so there is no billing to manage.</p>}
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

function CompanyBilling({ company }: { company: CompanySummary }) {
  return (
    <section aria-labelledby="company-name" className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <div>
        <h2 id="company-name" className="text-lg font-semibold">{company.name}</h2>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Your role</dt>
          <dd data-testid="role">{roleNames[company.role]}</dd>
          <dt className="text-slate-500">Billing account</dt>
          <dd data-testid="billing-status">{company.hasBillingAccount ? "On file with Stripe" : "None yet"}</dd>
        </dl>
      </div>
      {canManageBilling(company.role) && company.hasBillingAccount && <ManageBillingForm companyId={company.id} />}
      {canManageBilling(company.role) && !company.hasBillingAccount && (
        <p role="note" data-code="no_billing_account" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
          {billingErrors.no_billing_account.message}
        </p>
      )}
      {!canManageBilling(company.role) && (
        <div role="note" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>Only owners, admins and billing managers can open the billing portal. You are a member of {company.name}.</p>
          {company.contacts.length > 0 && (
            <p className="mt-1">
              Ask{" "}
              {company.contacts.map((c, i) => (
                <span key={c.email}>
                  {i > 0 && ", "}
                  <a className="underline" href={`mailto:${c.email}`}>{c.email}</a> ({roleNames[c.role].toLowerCase()})
                </span>
              ))}
              .
            </p>
          )}
        </div>
      )}
    </section>
  );
}
