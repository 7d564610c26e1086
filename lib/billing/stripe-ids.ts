/** The id in a Stripe field that holds an id, or the object when expanded; null when unset. */
export const idOf = (v: string | { id: string } | null | undefined): string | null =>
  v == null ? null : typeof v === "string" ? v : v.id;
