// POST /api/checkout - start a subscription: a Stripe Checkout Session for a company the caller
// manages, or the portal's "Change plan" when the company already subscribes
import { startCheckout } from "@/lib/billing/checkout";
import { handleBillingPost, methodNotAllowed } from "@/lib/billing/json-api";

export function POST(request: Request) {
  return handleBillingPost(request, "api.checkout_failed", startCheckout, (r) => ({
    url: r.url,
    destination: r.destination,
  }));
}

const notAllowed = methodNotAllowed("Use POST to start a subscription.");
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
