"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { isRelativePath } from "@/lib/billing/return-url";
import { log } from "@/lib/log";
import { createClient } from "@/lib/supabase/server";

export type SignInState = { error?: string; email?: string };

const credentials = z.object({ email: z.email(), password: z.string().min(1) });

export async function signIn(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
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
  const next = String(form.get("next") ?? "");
  redirect(isRelativePath(next) ? next : "/billing");
}

export async function signOut(): Promise<void> {
  const supabase = await createClient();
  await supabase.auth.signOut();
  redirect("/login");
}
