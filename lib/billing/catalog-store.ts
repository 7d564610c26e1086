import "server-only";
import type postgres from "postgres";
import type Stripe from "stripe";
import { result } from "@/lib/billing/billing-store";
import { hiddenFrom, trialDaysFrom } from "@/lib/billing/plans";
import { asVersion, versionDate, type Version, type WriteResult } from "@/lib/billing/versions";
import { idOf } from "@/lib/billing/stripe-ids";

// Writes of Stripe products and prices into the plan catalog, shared by webhooks and the sync.
// Versioned like billing-store.ts (lib/billing/versions.ts): written only over an older
// version; a same-second event is a tie for the caller to settle by reading from Stripe.

type Tx = postgres.TransactionSql;

export async function writeProduct(
  tx: Tx,
  product: Stripe.Product | Stripe.DeletedProduct,
  at: Version | Date,
  deleted = "deleted" in product && product.deleted === true,
): Promise<WriteResult> {
  const v = asVersion(at);
  const full = "name" in product ? product : null;
  const features = (full?.marketing_features ?? []).map((f) => f.name).filter((n): n is string => !!n);
  const rows = await tx`
    insert into public.billing_products (stripe_product_id, name, description, active, marketing_features, hidden, trial_days,
      deleted, stripe_event_at, synced_at)
    values (${product.id}, ${full?.name ?? product.id}, ${full?.description ?? null}, ${!deleted && (full?.active ?? false)},
      ${tx.json(features)}, ${hiddenFrom(full?.metadata)}, ${trialDaysFrom(full?.metadata)}, ${deleted}, ${versionDate(v)}, now())
    on conflict (stripe_product_id) do update set
      name = case when excluded.name = excluded.stripe_product_id then public.billing_products.name else excluded.name end,
      description = excluded.description, active = excluded.active, marketing_features = excluded.marketing_features,
      hidden = excluded.hidden, trial_days = excluded.trial_days, deleted = excluded.deleted,
      stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_products.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_products.stripe_event_at = excluded.stripe_event_at)
    returning stripe_product_id`;
  return result(tx, rows, "billing_products", "stripe_product_id", product.id, v);
}

export async function writePrice(
  tx: Tx,
  price: Stripe.Price | Stripe.DeletedPrice,
  at: Version | Date,
  deleted = "deleted" in price && price.deleted === true,
): Promise<WriteResult> {
  const v = asVersion(at);
  const full = "currency" in price ? price : null;
  const product = full ? idOf(full.product) : null;
  if (!full || !product) {
    // A tombstone without its product: mark the row we have, if any.
    const rows = await tx`
      update public.billing_prices set active = false, deleted = true, stripe_event_at = ${versionDate(v)}, synced_at = now()
      where stripe_price_id = ${price.id}
        and (stripe_event_at < ${versionDate(v)} or (${v.fetched} and stripe_event_at = ${versionDate(v)}))
      returning stripe_price_id`;
    return result(tx, rows, "billing_prices", "stripe_price_id", price.id, v);
  }
  const recurring = full.recurring;
  const rows = await tx`
    insert into public.billing_prices (stripe_price_id, stripe_product_id, active, type, currency, unit_amount, interval,
      interval_count, usage_type, lookup_key, nickname, trial_days, deleted, stripe_event_at, synced_at)
    values (${full.id}, ${product}, ${!deleted && full.active}, ${full.type}, ${full.currency}, ${full.unit_amount ?? null},
      ${recurring?.interval ?? null}, ${recurring?.interval_count ?? null}, ${recurring?.usage_type ?? null},
      ${full.lookup_key ?? null}, ${full.nickname ?? null}, ${trialDaysFrom(full.metadata)}, ${deleted}, ${versionDate(v)}, now())
    on conflict (stripe_price_id) do update set stripe_product_id = excluded.stripe_product_id, active = excluded.active,
      type = excluded.type, currency = excluded.currency, unit_amount = excluded.unit_amount, interval = excluded.interval,
      interval_count = excluded.interval_count, usage_type = excluded.usage_type, lookup_key = excluded.lookup_key,
      nickname = excluded.nickname, trial_days = excluded.trial_days, deleted = excluded.deleted,
      stripe_event_at = excluded.stripe_event_at, synced_at = now()
    where public.billing_prices.stripe_event_at < excluded.stripe_event_at
       or (${v.fetched} and public.billing_prices.stripe_event_at = excluded.stripe_event_at)
    returning stripe_price_id`;
  return result(tx, rows, "billing_prices", "stripe_price_id", full.id, v);
}

/** After a full listing: prices Stripe no longer lists as active are no longer on offer. */
export async function deactivatePricesNotIn(tx: Tx, activeIds: readonly string[], at: Date): Promise<number> {
  const v = versionDate(asVersion(at));
  const rows = await tx`
    update public.billing_prices set active = false, stripe_event_at = ${v}, synced_at = now()
    where active and stripe_event_at <= ${v} and not (stripe_price_id = any (${activeIds as string[]}::text[]))
    returning stripe_price_id`;
  return rows.length;
}
