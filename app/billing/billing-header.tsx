import { signOut } from "@/app/login/actions";

/** The page's header: it needs no database, so it stays (sign-out included) through an outage. */
export function BillingHeader({ email }: { email: string | undefined }) {
  return (
    <header className="flex items-center justify-between">
      <h1 className="text-2xl font-semibold">Billing</h1>
      <form action={signOut} className="flex items-center gap-3 text-sm text-slate-600">
        {email && <span>{email}</span>}
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
          Sign out
        </button>
      </form>
    </header>
  );
}
