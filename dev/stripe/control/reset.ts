// POST /__control/reset: the state just after start. The seed comes back with the same ids and
// times (the app's database, seeded from the first start, keeps pointing at them), the start
// option's webhook endpoint too and no other; config, faults of both kinds, resolved hosts,
// sessions, events, deliveries and counters go back to none. Deliveries still
// queued are dropped and one on the wire is waited for, so none reaches the app after the reset.
import { seedStartBilling } from "../billing/seed.ts";
import { createStore } from "../state/store.ts";
import type { Store } from "../state/types.ts";

export async function resetToStart(store: Store): Promise<void> {
  await store.webhooks.close();
  // Every Store field comes from createStore, fields added later included.
  const fresh = createStore({ ...store.start, apiKey: store.apiKey, log: store.log });
  fresh.baseUrl = store.baseUrl;
  Object.assign(store, fresh);
  seedStartBilling(store);
}
