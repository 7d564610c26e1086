// The store's products and prices as the rest of the stand-in reads them: copies, so nothing
// that holds a price (an item, an event) can change the catalog.
import type { PriceObject, ProductObject, Store } from "../state/types.ts";

const copy = <T>(value: T | undefined) => (value === undefined ? undefined : structuredClone(value));

export const findPrice = (store: Store, id: string): PriceObject | undefined => copy(store.prices.get(id));
export const findProduct = (store: Store, id: string): ProductObject | undefined => copy(store.products.get(id));

// Newest first, as Stripe lists them. Within the seed's one creation second, prices keep the plans'
// order and products the reverse, as they always have here.
export const allPrices = (store: Store): PriceObject[] =>
  [...store.prices.values()].sort((a, b) => b.created - a.created).map((p) => structuredClone(p));
export const allProducts = (store: Store): ProductObject[] =>
  [...store.products.values()].reverse().map((p) => structuredClone(p));

// The prices the hosted portal offers for a plan change: active, recurring, cheapest first.
export const activePrices = (store: Pick<Store, "prices" | "products">): PriceObject[] =>
  [...store.prices.values()]
    .filter((p) => p.active && p.recurring && store.products.get(p.product)?.active)
    .sort((a, b) => (a.unit_amount ?? 0) - (b.unit_amount ?? 0))
    .map((p) => structuredClone(p));

// What Stripe's pages call a price: its nickname, else its product's name.
export function planName(store: Store, priceId: string): string {
  const price = store.prices.get(priceId);
  return price?.nickname ?? (price && store.products.get(price.product)?.name) ?? priceId;
}

// "month", "year", "3 months": how a price's period reads on a page.
export function periodName(price: PriceObject): string {
  const interval = price.recurring?.interval ?? "month";
  const count = price.recurring?.interval_count ?? 1;
  return count === 1 ? interval : `${count} ${interval}s`;
}
