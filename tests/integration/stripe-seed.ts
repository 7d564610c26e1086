// supabase/seed.sql's companies linked to Stripe, as integration tests seed the Stripe stand-in
// with them: Acme and Globex have live customers, Umbrella's was deleted in Stripe.
import type { SeedCustomer } from "../../dev/stripe/server.ts";

export const acmeCustomer = {
  id: "cus_AcmeDemo000001",
  name: "Acme Inc",
  metadata: { company_id: "22222222-2222-4222-8222-000000000001" },
  subscription: { price: "price_pro_monthly" },
} satisfies SeedCustomer;

/** Acme with a Visa card as its default and two paid invoices. */
export const acmeWithHistory = {
  ...acmeCustomer,
  paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 },
  invoices: 2,
} satisfies SeedCustomer;

export const globexCustomer = {
  id: "cus_GlobexDemo0001",
  name: "Globex Corp",
  subscription: { price: "price_starter_monthly" },
} satisfies SeedCustomer;

export const umbrellaDeleted = {
  id: "cus_UmbrellaGone001",
  name: "Umbrella Ltd",
  deleted: true,
} satisfies SeedCustomer;
