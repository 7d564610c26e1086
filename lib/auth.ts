import "server-only";
import { createClient as createSupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createClient } from "@/lib/supabase/server";

// Claims of a verified Supabase access token. getClaims() checks the signature locally
// against the project's JWKS (cached by auth-js), so a warm check costs no auth-server call.

const claimsSchema = z.looseObject({
  sub: z.uuid(),
  role: z.literal("authenticated"),
  aud: z.union([z.literal("authenticated"), z.array(z.string()).refine((a) => a.includes("authenticated"))]),
  exp: z.number(),
  email: z.string().optional(),
  session_id: z.string().optional(),
  user_metadata: z.record(z.string(), z.unknown()).optional(),
});

export type Claims = z.infer<typeof claimsSchema>;

function acceptClaims(raw: unknown): Claims | null {
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) {
    log.debug("auth.claims_rejected", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    return null;
  }
  return parsed.data;
}

/** The signed-in user of this request (cookie session), or null. */
export async function currentClaims(): Promise<Claims | null> {
  const supabase = await createClient();
  const { data, error } = await supabase.auth.getClaims();
  if (error) log.debug("auth.get_claims_failed", { reason: error.message });
  return acceptClaims(data?.claims);
}

/** For API clients: `Authorization: Bearer <Supabase access token>`, else the cookie session. */
export async function claimsFromRequest(request: Request): Promise<Claims | null> {
  const header = request.headers.get("authorization");
  if (!header) return currentClaims();
  const match = /^Bearer\s+([A-Za-z0-9._-]+)$/i.exec(header.trim());
  if (!match?.[1]) return null;
  const { data, error } = await bearerClient().auth.getClaims(match[1]);
  if (error) log.debug("auth.bearer_rejected", { reason: error.message });
  return acceptClaims(data?.claims);
}

// Holds no session, only verifies tokens handed to it, so one instance can serve every request.
let verifier: ReturnType<typeof createSupabaseClient> | undefined;
function bearerClient() {
  const e = env();
  verifier ??= createSupabaseClient(e.supabaseUrl, e.supabasePublishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return verifier;
}
