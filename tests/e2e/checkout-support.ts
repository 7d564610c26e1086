// Helpers of the Subscribe specs: the Stripe stand-in through the official SDK and its control
// endpoints (held webhooks, the Checkout Sessions made), and paying on its hosted Checkout page.
import { expect, type Page } from "@playwright/test";
import Stripe from "stripe";
import { LOCAL_STRIPE_KEY } from "../../dev/local-stack.ts";
import { stripeUrl } from "./stack";

const base = new URL(stripeUrl);
/** The stand-in as the app's own client sees it (for arranging state and reading it back). */
export const stripeApi = new Stripe(LOCAL_STRIPE_KEY, {
  host: base.hostname,
  port: Number(base.port),
  protocol: "http",
  maxNetworkRetries: 0,
});

async function control<T>(method: string, path: string): Promise<T> {
  const res = await fetch(`${stripeUrl}/__control/${path}`, { method });
  if (!res.ok) throw new Error(`${method} /__control/${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const webhooks = {
  hold: () => control<{ holding: boolean }>("POST", "webhook-hold"),
  /** Lets held events go, and resolves once all are delivered. */
  release: async () => {
    await control("DELETE", "webhook-hold");
    await control("POST", "flush");
  },
  /** Events the app's endpoint listens to that are waiting, undelivered. */
  pending: async () => (await control<{ pending: number }>("GET", "webhook-hold")).pending,
  flush: () => control("POST", "flush"),
};

export type MadeSession = { id: string; customer: string | null; status: string; subscription: string | null };
export const checkoutSessions = () => control<MadeSession[]>("GET", "checkout-sessions");

export const CHECKOUT_PAGE = new RegExp(`^${stripeUrl.replace(/\./g, "\\.")}/c/pay/cs_test_`);

/** Types a card on the stand-in's hosted Checkout page, labelled as Stripe's is, and submits it. */
export async function payOnCheckout(page: Page, number: string, button = "Subscribe") {
  await expect(page).toHaveURL(CHECKOUT_PAGE);
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Ian Initech");
  await page.getByRole("button", { name: button }).click();
}
