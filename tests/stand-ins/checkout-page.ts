// Paying on the Stripe stand-in's hosted Checkout page the way a browser without JavaScript does:
// one form POST with the fields Stripe's page has (cardNumber, cardExpiry, cardCvc, billingName).
export type Paid = { status: number; location: string | null; html: string };

export async function payOnPage(
  url: string,
  number: string,
  fields: { expiry?: string; cvc?: string; name?: string; email?: string } = {},
): Promise<Paid> {
  const form = new URLSearchParams({
    cardNumber: number,
    cardExpiry: fields.expiry ?? "12 / 34",
    cardCvc: fields.cvc ?? "123",
    billingName: fields.name ?? "Ian Initech",
    ...(fields.email !== undefined && { email: fields.email }),
  });
  const res = await fetch(url, { method: "POST", body: form, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}
