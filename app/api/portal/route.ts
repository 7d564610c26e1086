// POST /api/portal - create a Stripe Customer Portal session for a company the caller manages
import { createPortalSession } from "@/lib/billing/portal";
import { handleBillingPost, methodNotAllowed } from "@/lib/http/billing-post";

export function POST(request: Request) {
  return handleBillingPost(request, "api.portal_failed", createPortalSession, (r) => ({ url: r.url }));
}

const notAllowed = methodNotAllowed("Use POST to open the billing portal.");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
