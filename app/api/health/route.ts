// GET /api/health - for uptime monitors: are the database, Stripe and auth reachable? 200 or 503
import { NextResponse } from "next/server";
import { billingErrors } from "@/lib/billing/errors";
import { currentHealth } from "@/lib/health";

// GET handlers are dynamic since Next 15; and no CDN or browser may keep an answer either.
const NO_STORE = { "cache-control": "no-store, max-age=0" };

export async function GET() {
  const { ok, checks } = await currentHealth();
  if (ok) return NextResponse.json({ status: "ok", checks }, { headers: NO_STORE });
  const code = Object.values(checks).find((c) => c !== "ok")!;
  return NextResponse.json(
    { status: "unavailable", error: billingErrors[code].message, code, checks },
    { status: 503, headers: NO_STORE },
  );
}
