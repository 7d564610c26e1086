// The test card numbers a person types on the hosted Checkout page, and what Stripe does with
// each (https://docs.stripe.com/testing). 4000 0000 0000 0341 attaches to the customer, but the
// charge fails; 4000 0000 0000 0002 is declined outright. Any other valid number is a real card,
// which test mode refuses. Messages are Stripe's.
import type { CardSpec } from "../state/types.ts";

export type CardBehaviour = "succeeds" | "declined" | "attaches_then_declines";
export type TestCard = { spec: Omit<CardSpec, "expMonth" | "expYear">; behaviour: CardBehaviour };

export const CARD_DECLINED = "Your card was declined.";
export const LIVE_CARD_IN_TEST_MODE =
  "Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.";

const TEST_CARDS: Record<string, TestCard> = {
  "4242424242424242": { spec: { brand: "visa", last4: "4242" }, behaviour: "succeeds" },
  "5555555555554444": { spec: { brand: "mastercard", last4: "4444" }, behaviour: "succeeds" },
  "378282246310005": { spec: { brand: "amex", last4: "0005" }, behaviour: "succeeds" },
  "4000000000000002": { spec: { brand: "visa", last4: "0002" }, behaviour: "declined" },
  "4000000000000341": { spec: { brand: "visa", last4: "0341" }, behaviour: "attaches_then_declines" },
};

export type TypedCard = { number: string; expiry: string; cvc: string };
export type CardCheck =
  | { ok: true; card: TestCard; expMonth: number; expYear: number }
  | { ok: false; field: "number" | "expiry" | "cvc"; message: string };

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The card fields as Stripe's card element checks them, before anything is charged. */
export function checkTypedCard(typed: TypedCard, now = new Date()): CardCheck {
  const number = typed.number.replace(/[\s-]/g, "");
  if (!/^\d*$/.test(number) || (number.length >= 13 && !luhn(number)))
    return { ok: false, field: "number", message: "Your card number is invalid." };
  if (number.length < 13) return { ok: false, field: "number", message: "Your card number is incomplete." };
  const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(typed.expiry);
  const month = Number(expiry?.[1]);
  if (!expiry || month < 1 || month > 12)
    return { ok: false, field: "expiry", message: "Your card's expiration date is incomplete." };
  const year = Number(expiry[2]) + ((expiry[2] ?? "").length === 2 ? 2000 : 0);
  if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1)
    return { ok: false, field: "expiry", message: "Your card's expiration date is in the past." };
  if (!/^\d{3,4}$/.test(typed.cvc.trim()))
    return { ok: false, field: "cvc", message: "Your card's security code is incomplete." };
  const card = TEST_CARDS[number];
  if (!card) return { ok: false, field: "number", message: LIVE_CARD_IN_TEST_MODE };
  return { ok: true, card, expMonth: month, expYear: year };
}
