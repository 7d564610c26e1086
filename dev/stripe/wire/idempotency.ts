// Stripe's idempotency layer (https://docs.stripe.com/api/idempotent_requests): the first
// execution's status and body are saved and replayed for the same key, 500s included; a different
// endpoint or different parameters is an error; a key still executing answers 409. Only requests
// that started executing are saved. Keys are kept for 24 hours.
import type { IdempotencyLayer, IdempotencyLookup, StoredResponse } from "../state/types.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

type Entry = { endpoint: string; fingerprint: string; at: number; response: StoredResponse };

export class IdempotencyCache implements IdempotencyLayer {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, { endpoint: string; fingerprint: string }>();

  lookup(key: string, endpoint: string, fingerprint: string, nowMs = Date.now()): IdempotencyLookup {
    for (const [k, entry] of this.entries) if (nowMs - entry.at >= DAY_MS) this.entries.delete(k);
    const done = this.entries.get(key);
    const entry = done ?? this.running.get(key);
    if (!entry) return { kind: "new" };
    if (entry.endpoint !== endpoint) return { kind: "endpoint-mismatch", firstEndpoint: entry.endpoint };
    if (entry.fingerprint !== fingerprint) return { kind: "params-mismatch" };
    return done ? { kind: "replay", response: done.response } : { kind: "in-flight" };
  }

  begin(key: string, endpoint: string, fingerprint: string): void {
    this.running.set(key, { endpoint, fingerprint });
  }

  // response null: the request never started executing, so the key stays free.
  finish(key: string, response: StoredResponse | null, nowMs = Date.now()): void {
    const running = this.running.get(key);
    this.running.delete(key);
    if (running && response) this.entries.set(key, { ...running, at: nowMs, response });
  }
}
