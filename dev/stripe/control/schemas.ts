// Bodies of the /__control endpoints, validated with zod; a bad one is a 400 naming the field.
import { z } from "zod";
import { isSeedPrice } from "../objects/catalog.ts";
import { SIMULATE_ACTIONS } from "./simulate.ts";

const card = z.object({
  brand: z.enum(["visa", "mastercard", "amex"]),
  last4: z.string().regex(/^\d{4}$/, "must be 4 digits"),
  expMonth: z.int().min(1).max(12),
  expYear: z.int(),
});

export const seedCustomerBody = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  deleted: z.boolean().optional(),
  subscription: z
    .object({
      price: z.string().refine(isSeedPrice, "must be a catalog price id"),
      status: z.enum(["active", "trialing", "past_due"]).optional(),
      trialDays: z.int().min(1).optional(),
      cancelAtPeriodEnd: z.boolean().optional(),
    })
    .optional(),
  paymentMethod: card.optional(),
  invoices: z.int().min(0).max(120).optional(),
});

export const faultBody = z
  .object({
    mode: z.enum(["status", "drop", "latency"]).default("status"),
    count: z.int().min(1).default(1),
    status: z.int().min(400).max(599).optional(),
    afterExecute: z.boolean().optional(),
    ms: z.number().min(0).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    path: z.string().optional(),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .optional(),
  })
  .refine((f) => f.mode !== "status" || f.status !== undefined, {
    path: ["status"],
    message: "required by mode status",
  })
  .refine((f) => f.mode !== "latency" || f.ms !== undefined, { path: ["ms"], message: "required by mode latency" });

export const configBody = z.object({
  defaultConfiguration: z.boolean().optional(),
  sessionTtlSeconds: z.number().min(0).optional(),
});

// `{ "url": null }` stops deliveries; events are still recorded.
export const webhookBody = z.union([
  z.object({ url: z.null() }),
  z.object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(1),
    enabledEvents: z.array(z.string()).min(1).optional(),
  }),
]);

export const webhookFaultBody = z.object({
  mode: z.enum(["duplicate", "reverse", "fail_first", "drop"]),
  count: z.int().min(1).default(1),
});

// Deliveries to `host` (as in a URL: name[:port]) go to the origin `to`; null undoes it.
export const resolveBody = z.object({
  host: z.string().min(1),
  to: z.url({ protocol: /^https?$/ }).nullable(),
});

export const ageEventsBody = z.object({
  seconds: z.int().min(1),
  events: z.array(z.string()).min(1).optional(),
});

export const simulateBody = z.object({
  customer: z.string(),
  action: z.enum(SIMULATE_ACTIONS),
  subscription: z.string().optional(),
  metadata: z.record(z.string(), z.string().nullable()).optional(),
});
