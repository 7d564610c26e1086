import type { DoctorCheck } from "@/lib/billing/doctor/types";
import { customersCheck } from "@/lib/billing/doctor/checks/customers";
import { eventsArrivedCheck } from "@/lib/billing/doctor/checks/events-arrived";
import { jwtSigningKeysCheck } from "@/lib/billing/doctor/checks/jwt-signing-keys";
import { migrationsCheck } from "@/lib/billing/doctor/checks/migrations";
import { portalConfigurationCheck } from "@/lib/billing/doctor/checks/portal-configuration";
import { stripeKeyCheck } from "@/lib/billing/doctor/checks/stripe-key";
import { stripeModeCheck } from "@/lib/billing/doctor/checks/stripe-mode";
import { webhookDeliveriesCheck } from "@/lib/billing/doctor/checks/webhook-deliveries";
import { webhookEndpointCheck } from "@/lib/billing/doctor/checks/webhook-endpoint";

/** Every check, in the order they are reported. */
export const DOCTOR_CHECKS: DoctorCheck[] = [
  migrationsCheck,
  stripeKeyCheck,
  stripeModeCheck,
  portalConfigurationCheck,
  webhookEndpointCheck,
  webhookDeliveriesCheck,
  eventsArrivedCheck,
  customersCheck,
  jwtSigningKeysCheck,
];
