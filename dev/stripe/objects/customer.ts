// Customer objects as the pinned API version sends them.
import type { CustomerObject } from "../state/types.ts";
import { nowSeconds, randomId } from "./ids.ts";

export function newCustomer(id: string): CustomerObject {
  return {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomId("", 8, "0123456789ABCDEF"),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export const deletedCustomer = (id: string) => ({ id, object: "customer" as const, deleted: true as const });
