// The /v1 resources the stand-in serves. A new resource is a file in this folder and a line here.
import type { Route } from "../wire/route.ts";
import { checkoutSessionRoutes } from "./checkout-sessions.ts";
import { customerRoutes } from "./customers.ts";
import { eventRoutes } from "./events.ts";
import { invoiceRoutes } from "./invoices.ts";
import { paymentMethodRoutes } from "./payment-methods.ts";
import { portalConfigurationRoutes } from "./portal-configurations.ts";
import { portalSessionRoutes } from "./portal-sessions.ts";
import { priceRoutes } from "./prices.ts";
import { productRoutes } from "./products.ts";
import { subscriptionRoutes } from "./subscriptions.ts";
import { webhookEndpointRoutes } from "./webhook-endpoints.ts";

export const ROUTES: Route[] = [
  ...customerRoutes,
  ...portalSessionRoutes,
  ...portalConfigurationRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...paymentMethodRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...checkoutSessionRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
];
