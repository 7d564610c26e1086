// POST /v1/billing_portal/sessions (billing_portal.session.created). The session's `url` opens
// this server's hosted page (hosted/portal.ts) instead of billing.stripe.com.
import { nowSeconds, portalSecret, randomId } from "../objects/ids.ts";
import { defaultConfiguration, findConfiguration, liveCustomer } from "../state/store.ts";
import type { ConfigurationObject, JsonObject, PortalSessionObject, SessionRecord } from "../state/types.ts";
import { emit } from "../webhooks/emit.ts";
import { invalidRequest, parameterInvalidEmpty, parameterMissing, resourceMissing } from "../wire/errors.ts";
import { expansions } from "../wire/expand.ts";
import { expandParam } from "../wire/list.ts";
import type { Route, RouteContext } from "../wire/route.ts";
import { ok } from "../wire/route.ts";
import type { ParsedObject } from "../wire/schema.ts";
import { int, obj, oneOf, readNumber, readObject, readString, str, url } from "../wire/schema.ts";
import { checkFlowData, checkFlowSubscription, flowDataSchema, renderFlow } from "./flow-data.ts";
import { renderConfiguration } from "./portal-configurations.ts";

// The portal locales Stripe takes.
const LOCALES = [
  ..."auto bg cs da de el en en-AU en-CA en-GB en-IE en-IN en-NZ en-SG es es-419 et fi fil fr fr-CA".split(" "),
  ..."hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW".split(" "),
];

const NO_DEFAULT_CONFIGURATION =
  "No configuration provided and your test mode default configuration has not been created. Provide a configuration or create your default by saving your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.";

const schema = obj({
  after_expiration: obj({ customer_login: obj({ expires_at: int() }), type: oneOf("customer_login") }, ["type"]),
  configuration: str(),
  customer: str(),
  customer_account: str(),
  flow_data: flowDataSchema,
  locale: oneOf(...LOCALES),
  on_behalf_of: str(),
  return_url: url(),
  ...expandParam,
});

function check(p: ParsedObject): void {
  // `customer` is optional in the schema only because `customer_account` may replace it.
  if (p.customer === null) throw parameterInvalidEmpty("customer");
  if (readString(p, "customer") === undefined && readString(p, "customer_account") === undefined)
    throw parameterMissing("customer");
  const flow = readObject(p, "flow_data");
  if (flow) checkFlowData(flow);
  expansions(p, ["configuration"]);
}

function resolveConfiguration(p: ParsedObject, ctx: RouteContext) {
  const id = readString(p, "configuration");
  if (id === undefined) {
    const fallback = defaultConfiguration(ctx.store);
    if (!fallback) throw invalidRequest(NO_DEFAULT_CONFIGURATION);
    return fallback;
  }
  const found = findConfiguration(ctx.store, id);
  if (!found) throw resourceMissing("configuration", id, "configuration", 400);
  if (!found.active) throw invalidRequest(`The configuration ${id} is not active.`, "configuration");
  return found;
}

// A "Change plan" deep link opens a page the configuration must offer. (The wording is the one
// integrations quote; Stripe's reference does not print it.)
function checkFlowFeature(configuration: ConfigurationObject, flow: ParsedObject): void {
  if (readString(flow, "type") !== "subscription_update") return;
  const update = (configuration.features as JsonObject | undefined)?.subscription_update as JsonObject | undefined;
  if (update?.enabled !== true)
    throw invalidRequest(
      "You cannot use `flow_data` of type `subscription_update` because that feature is not enabled in your portal configuration.",
      "flow_data[type]",
    );
}

function afterExpiration(p: ParsedObject): { after_expiration?: JsonObject } {
  const given = readObject(p, "after_expiration");
  if (!given) return {};
  const login = readObject(given, "customer_login");
  return {
    after_expiration: {
      customer_login: login ? { expires_at: readNumber(login, "expires_at") ?? null } : null,
      type: readString(given, "type") ?? null,
    },
  };
}

function execute(p: ParsedObject, ctx: RouteContext) {
  const customerId = readString(p, "customer");
  const customer = customerId === undefined ? undefined : liveCustomer(ctx.store, customerId);
  if (customerId !== undefined && !customer) throw resourceMissing("customer", customerId, "customer", 400);
  // This stand-in has no connected accounts to own a session.
  if (customerId === undefined)
    throw resourceMissing("account", readString(p, "customer_account") ?? "", "customer_account", 400);
  const configuration = resolveConfiguration(p, ctx);
  const flowData = readObject(p, "flow_data");
  if (flowData) {
    checkFlowFeature(configuration, flowData);
    checkFlowSubscription(ctx.store, flowData, customerId);
  }
  const secret = portalSecret();
  const session: PortalSessionObject = {
    id: randomId("bps_", 24),
    object: "billing_portal.session",
    ...afterExpiration(p),
    configuration: configuration.id,
    created: nowSeconds(),
    customer: customerId,
    customer_account: readString(p, "customer_account") ?? null,
    flow: flowData ? renderFlow(flowData) : null,
    livemode: false,
    locale: readString(p, "locale") ?? null,
    on_behalf_of: readString(p, "on_behalf_of") ?? null,
    return_url:
      readString(p, "return_url") ??
      (typeof configuration.default_return_url === "string" ? configuration.default_return_url : null),
    url: `${ctx.store.baseUrl}/p/session/${secret}`,
  };
  const record: SessionRecord = {
    session,
    secret,
    createdMs: Date.now(),
    customerName: customer?.name ?? null,
    flowType: flowData ? (readString(flowData, "type") ?? null) : null,
  };
  ctx.store.sessions.push(record);
  ctx.store.sessionsBySecret.set(secret, record);
  ctx.store.sessionsCreated += 1;
  emit(ctx.store, "billing_portal.session.created", session, { request: ctx.request });
  const expanded = expansions(p, ["configuration"]).has("configuration");
  return ok(expanded ? { ...session, configuration: renderConfiguration(configuration) } : session);
}

export const portalSessionRoutes: Route[] = [
  { method: "POST", path: "/v1/billing_portal/sessions", schema, check, execute },
];
