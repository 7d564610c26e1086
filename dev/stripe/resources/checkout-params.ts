// The parameters of POST /v1/checkout/sessions and Stripe's refusals of them. Every parameter of
// the pinned version is known (anything else is "Received unknown parameter", payment_method_types
// included: 2026-09-30.endive removed it from Checkout, see stripe-node's CHANGELOG for 23.0.0);
// the ones this stand-in has nothing behind are refused as unsupported rather than ignored.
import { liveCustomer } from "../state/store.ts";
import type { Store } from "../state/types.ts";
import { invalidRequest, notInStandIn, onlyOneOf, parameterMissing, resourceMissing } from "../wire/errors.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { any, arrayOf, bool, email, int, metadata, obj, oneOf, readArray, readBool } from "../wire/schema.ts";
import { readNumber, readObject, readString, str, url } from "../wire/schema.ts";

const LOCALES = [
  ..."auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv ms mt".split(" "),
  ..."nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW".split(" "),
];
const auto = () => oneOf("auto", "never");

export const createParams = obj({
  adaptive_pricing: any(),
  after_expiration: any(),
  allow_promotion_codes: bool(),
  allowed_payment_method_types: arrayOf(str()),
  automatic_tax: obj({ enabled: bool(), liability: any() }, ["enabled"]),
  billing_address_collection: oneOf("auto", "required"),
  branding_settings: any(),
  cancel_url: url(),
  client_reference_id: str(),
  consent_collection: any(),
  currency: str(),
  custom_fields: any(),
  custom_text: any(),
  customer: str(),
  customer_account: str(),
  customer_creation: oneOf("always", "if_required"),
  customer_email: email(),
  customer_update: obj({ address: auto(), name: auto(), shipping: auto() }),
  discounts: any(),
  excluded_payment_method_types: arrayOf(str()),
  expand: arrayOf(str()),
  expires_at: int(),
  integration_identifier: str(),
  invoice_creation: any(),
  line_items: arrayOf(
    obj({
      adjustable_quantity: any(),
      metadata: metadata(),
      price: str(),
      price_data: any(),
      quantity: int(1),
      tax_rates: arrayOf(str()),
    }),
  ),
  locale: oneOf(...LOCALES),
  managed_payments: any(),
  metadata: metadata(),
  mode: oneOf("payment", "setup", "subscription"),
  name_collection: any(),
  optional_items: any(),
  origin_context: any(),
  payment_intent_data: any(),
  payment_method_collection: oneOf("always", "if_required"),
  payment_method_configuration: str(),
  payment_method_data: any(),
  payment_method_options: any(),
  permissions: any(),
  phone_number_collection: any(),
  redirect_on_completion: any(),
  return_url: url(),
  saved_payment_method_options: any(),
  setup_intent_data: any(),
  shipping_address_collection: any(),
  shipping_options: any(),
  submit_type: oneOf("auto", "book", "donate", "pay", "subscribe"),
  subscription_data: obj({
    application_fee_percent: any(),
    billing_cycle_anchor: int(),
    billing_cycle_anchor_config: any(),
    billing_mode: any(),
    default_tax_rates: arrayOf(str()),
    description: str(),
    invoice_settings: any(),
    metadata: metadata(),
    on_behalf_of: str(),
    pending_invoice_item_interval: any(),
    proration_behavior: oneOf("create_prorations", "none"),
    transfer_data: any(),
    trial_end: int(),
    trial_period_days: int(1, 730),
    trial_settings: any(),
  }),
  success_url: url(),
  tax_id_collection: obj({ enabled: bool(), required: oneOf("if_supported", "never") }, ["enabled"]),
  ui_mode: oneOf("elements", "embedded_page", "form", "hosted_page"),
  wallet_options: any(),
});

// Accepted by Stripe, but nothing here would act on them: a test relying on them must fail loudly.
const UNSUPPORTED = [
  "after_expiration",
  "consent_collection",
  "custom_fields",
  "customer_account",
  "discounts",
  "invoice_creation",
  "optional_items",
  "payment_intent_data",
  "setup_intent_data",
  "shipping_address_collection",
  "shipping_options",
];
const UNSUPPORTED_SUBSCRIPTION_DATA = [
  "application_fee_percent",
  "billing_cycle_anchor",
  "billing_cycle_anchor_config",
  "on_behalf_of",
  "transfer_data",
  "trial_end",
];

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

function checkShape(p: ParsedObject, now: number): void {
  if ("allow_promotion_codes" in p && "discounts" in p) throw onlyOneOf("allow_promotion_codes", "discounts");
  for (const key of UNSUPPORTED) if (key in p) throw notInStandIn(key);
  const sub = readObject(p, "subscription_data");
  for (const key of UNSUPPORTED_SUBSCRIPTION_DATA)
    if (sub && key in sub) throw notInStandIn(`subscription_data[${key}]`);
  const mode = readString(p, "mode");
  if (mode === undefined) throw parameterMissing("mode");
  if (mode !== "subscription") throw notInStandIn("mode", `\`${mode}\` mode (only \`subscription\`)`);
  const ui = readString(p, "ui_mode") ?? "hosted_page";
  if (ui !== "hosted_page") throw notInStandIn("ui_mode", `\`${ui}\` Checkout (only \`hosted_page\`)`);
  if (readString(p, "success_url") === undefined) throw parameterMissing("success_url");
  if ("customer" in p && "customer_email" in p) throw onlyOneOf("customer", "customer_email");
  if ("customer_update" in p && !("customer" in p))
    throw invalidRequest("`customer_update` can only be used with `customer`.", "customer_update");
  if ((readString(p, "client_reference_id")?.length ?? 0) > 200)
    throw invalidRequest("client_reference_id must be at most 200 characters.", "client_reference_id");
  const expires = readNumber(p, "expires_at");
  if (expires !== undefined && expires - now > MAX_EXPIRY_SECONDS)
    throw invalidRequest(
      "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
      "expires_at",
    );
  if (expires !== undefined && expires - now < MIN_EXPIRY_SECONDS)
    throw invalidRequest(
      "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
      "expires_at",
    );
}

function checkLines(p: ParsedObject, store: Store): void {
  const lines = (readArray(p, "line_items") ?? []) as ParsedObject[];
  if (lines.length === 0) throw parameterMissing("line_items");
  if (lines.length > 1) throw notInStandIn("line_items", "more than one line item");
  let recurring = false;
  lines.forEach((line, i) => {
    const at = (key: string) => `line_items[${i}][${key}]`;
    for (const key of ["price_data", "adjustable_quantity", "tax_rates"]) if (key in line) throw notInStandIn(at(key));
    const id = readString(line, "price");
    if (id === undefined) throw parameterMissing(at("price"));
    if (readNumber(line, "quantity") === undefined)
      throw invalidRequest(`Quantity is required. Add \`quantity\` to \`line_items[${i}]\``, at("quantity"));
    const price = store.prices.get(id);
    if (!price) throw resourceMissing("price", id, at("price"), 400);
    if (!price.active)
      throw invalidRequest("The price specified is inactive. This field only accepts active prices.", at("price"));
    recurring ||= price.recurring !== null;
  });
  if (!recurring)
    throw invalidRequest(
      "You must provide at least one recurring price in `subscription` mode when using prices.",
      "line_items",
    );
}

function checkCustomer(p: ParsedObject, store: Store): void {
  const id = readString(p, "customer");
  if (id === undefined) return;
  const customer = liveCustomer(store, id);
  if (!customer) throw resourceMissing("customer", id, "customer", 400);
  const update = readObject(p, "customer_update");
  if (readBool(readObject(p, "tax_id_collection"), "enabled") && readString(update, "name") !== "auto")
    throw invalidRequest(
      "tax_id_collection requires updating business name on the customer. To enable tax id collection for an existing customer, please set `customer_update[name]` to `auto`.",
      "tax_id_collection[enabled]",
    );
  const savesAddress = readString(update, "address") === "auto" || readString(update, "shipping") === "auto";
  if (readBool(readObject(p, "automatic_tax"), "enabled") && !customer.address && !savesAddress)
    throw invalidRequest(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
      "automatic_tax[enabled]",
    );
}

/** Everything Stripe refuses before making the session; none of it is saved under an idempotency key. */
export function checkCreate(p: ParsedObject, store: Store, now: number): void {
  checkShape(p, now);
  checkLines(p, store);
  checkCustomer(p, store);
}
