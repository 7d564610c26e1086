import { z } from "zod";

// The claims of a Supabase access token that the app relies on. session_id is required: the
// database checks it against auth.sessions on every click, so a signed-out token stops working.

const claimsSchema = z.looseObject({
  sub: z.uuid(),
  role: z.literal("authenticated"),
  aud: z.union([z.literal("authenticated"), z.array(z.string()).refine((a) => a.includes("authenticated"))]),
  exp: z.number(),
  session_id: z.uuid(),
  email: z.string().optional(),
  user_metadata: z.record(z.string(), z.unknown()).optional(),
});

export type Claims = z.infer<typeof claimsSchema>;

/** The claims, or the names of the fields that were wrong (never their values). */
export function acceptClaims(raw: unknown): { ok: true; claims: Claims } | { ok: false; reason: string } {
  const parsed = claimsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, claims: parsed.data };
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(root)"))].slice(0, 5);
  return { ok: false, reason: `claims rejected: ${fields.join(", ")}` };
}
