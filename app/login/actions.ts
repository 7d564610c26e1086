"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { withinAuthDeadline } from "@/lib/auth/deadline";
import { safeNextPath } from "@/lib/billing/return-url";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createClient, deleteSessionCookies } from "@/lib/supabase/server";

export type SignInState = { error?: string; email?: string };

const credentials = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

// Public endpoints: the arguments are whatever the caller sent, not necessarily the form.
export async function signIn(_prev: unknown, form: unknown): Promise<SignInState> {
  if (!(form instanceof FormData)) return { error: "Enter your email address and password." };
  const rawEmail = form.get("email");
  const email = typeof rawEmail === "string" ? rawEmail.slice(0, 320) : "";
  const parsed = credentials.safeParse({ email, password: form.get("password") });
  if (!parsed.success) return { error: "Enter your email address and password.", email };
  const supabase = await createClient();
  const { error } = await supabase.auth.signInWithPassword(parsed.data);
  if (error) {
    log.info("auth.sign_in_refused", { code: error.code ?? error.name });
    return {
      error:
        error.code === "invalid_credentials"
          ? "That email and password don't match an account."
          : "Signing in isn't possible right now. Please try again in a minute.",
      email,
    };
  }
  redirect(safeNextPath(form.get("next"), env().appUrl));
}

export async function signOut(): Promise<void> {
  const supabase = await createClient();
  // Ends the session on the auth server (its auth.sessions row) and deletes the cookies. A
  // broken cookie or an unreachable auth server must not keep anyone from leaving this browser.
  const result = await withinAuthDeadline(supabase.auth.signOut()).catch((err: unknown) => ({ error: err }));
  if (result.error) {
    log.warn("auth.sign_out_incomplete", { errorName: result.error instanceof Error ? result.error.name : "error" });
    await deleteSessionCookies();
  }
  redirect("/login");
}
