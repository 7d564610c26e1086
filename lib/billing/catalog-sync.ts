import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { stripe } from "@/lib/stripe";
import { deactivatePricesNotIn, writePrice, writeProduct } from "@/lib/billing/catalog-store";

export type CatalogReport = { prices: number; products: number; deactivated: number };

/**
 * Pulls every active recurring price, with its product (expand depth 2 of Stripe's 4), into the
 * plan catalog, and takes prices Stripe no longer lists off offer. Versioned with the time the
 * listing started: an event created before it is older than what was listed.
 */
export async function syncCatalog(): Promise<CatalogReport> {
  const at = new Date();
  const prices: Stripe.Price[] = [];
  for await (const price of stripe().prices.list({
    active: true,
    type: "recurring",
    limit: 100,
    expand: ["data.product"],
  }))
    prices.push(price);
  const products = new Map<string, Stripe.Product | Stripe.DeletedProduct>();
  for (const price of prices) if (typeof price.product === "object") products.set(price.product.id, price.product);
  const deactivated = await db().begin(async (tx) => {
    for (const product of products.values()) await writeProduct(tx, product, at);
    for (const price of prices) await writePrice(tx, price, at);
    return deactivatePricesNotIn(
      tx,
      prices.map((p) => p.id),
      at,
    );
  });
  return { prices: prices.length, products: products.size, deactivated };
}
