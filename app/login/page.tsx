import { safeNextPath } from "@/lib/billing/return-url";
import { env } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-6 text-xl font-semibold">Sign in</h1>
      <SignInForm next={safeNextPath(next, env().appUrl)} />
    </div>
  );
}
