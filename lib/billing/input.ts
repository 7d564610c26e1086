import { z } from "zod";
import { parseClientInput } from "@/lib/billing/client-input";

// What a client may send to open the portal: which company (only needed with several), where
// to come back, and which portal task to open directly. Never a customer: the server derives it
// from the company.

export const PORTAL_FLOWS = ["payment_method_update", "subscription_cancel", "subscription_update"] as const;
export type PortalFlow = (typeof PORTAL_FLOWS)[number];

export type PortalInput = { companyId?: string; returnUrl?: string; flow?: PortalFlow };

const portalInput = z.strictObject({
  companyId: z.uuid({ error: "companyId must be a company id (a UUID)." }).optional(),
  returnUrl: z.string({ error: "returnUrl must be a string." }).max(2048, "returnUrl is too long.").optional(),
  flow: z.enum(PORTAL_FLOWS, { error: `flow must be one of: ${PORTAL_FLOWS.join(", ")}.` }).optional(),
});

export const parsePortalInput = (raw: unknown) =>
  parseClientInput<PortalInput>(portalInput, raw, "companyId, returnUrl and flow");
