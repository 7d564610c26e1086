import { z } from "zod";
import { parseClientInput } from "@/lib/billing/client-input";

// What a client may send to start a subscription: which company (only needed with several),
// which price (its id or lookup key, as the billing page lists them) and where to come back.
// Never a customer, an amount or a trial: those come from the database.

export type CheckoutInput = { companyId?: string; price: string; returnUrl?: string };

const checkoutInput = z.strictObject({
  companyId: z.uuid({ error: "companyId must be a company id (a UUID)." }).optional(),
  price: z
    .string({ error: "price is required: the id (price_…) or lookup key of one of the plans on offer." })
    .regex(/^[A-Za-z0-9_.:-]{1,200}$/, "price must be a price id (price_…) or a lookup key."),
  returnUrl: z.string({ error: "returnUrl must be a string." }).max(2048, "returnUrl is too long.").optional(),
});

export const parseCheckoutInput = (raw: unknown) =>
  parseClientInput<CheckoutInput>(checkoutInput, raw, "companyId, price and returnUrl");
