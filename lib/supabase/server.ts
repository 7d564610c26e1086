import "server-only";
import { createServerClient } from "@supabase/ssr";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

// A new client per request: it holds this request's cookies. Never share one globally.
export async function createClient() {
  const cookieStore = await cookies();
  const e = env();
  return createServerClient(e.supabaseUrl, e.supabasePublishableKey, {
    cookies: {
      getAll() {
        return cookieStore.getAll();
      },
      setAll(cookiesToSet) {
        try {
          for (const { name, value, options } of cookiesToSet) cookieStore.set(name, value, options);
        } catch {
          // Server components can't set cookies; proxy.ts refreshes the session for them.
        }
      },
    },
  });
}
