// Webhook delivery as Stripe does it: a signed JSON POST per event the endpoint subscribed to, in
// creation order, one at a time, retried on a non-2xx answer or a network error. Stripe retries
// for days; here it is 4 attempts over ~1.7 s so tests can watch retries happen. Injected webhook
// faults reorder, repeat or break deliveries on purpose.
import Stripe from "stripe";
import { sleep } from "../wire/http.ts";
import type { DeliveryLog, StripeEvent, WebhookEndpoint, WebhookFault, WebhookQueue } from "../state/types.ts";

type Job = { event: StripeEvent; breakFirstAttempt: boolean; twice: boolean };

const BACKOFF_MS = [200, 500, 1000];

export class WebhookDispatcher implements WebhookQueue {
  endpoint: WebhookEndpoint | null;
  readonly faults: WebhookFault[] = [];
  private readonly logs = new Map<string, DeliveryLog>();
  private readonly queue: Job[] = [];
  private held: Job[] = [];
  private running = false;
  private closed = false;
  private paused = false;
  private inFlight: Promise<unknown> | null = null;
  private idle: Array<() => void> = [];

  private readonly log: (line: string) => void;

  constructor(endpoint: WebhookEndpoint | null, log: (line: string) => void) {
    this.endpoint = endpoint;
    this.log = log;
  }

  wants(type: string): boolean {
    const enabled = this.endpoint?.enabledEvents ?? ["*"];
    return !!this.endpoint && (enabled.includes("*") || enabled.includes(type));
  }

  // Events the endpoint does not want (or made while none is set) are recorded but never sent, as at Stripe.
  submit(event: StripeEvent): void {
    if (!this.wants(event.type) || this.closed) return;
    const fault = this.takeFault();
    const job: Job = { event, breakFirstAttempt: fault?.mode === "fail_first", twice: fault?.mode === "duplicate" };
    this.logFor(event);
    if (fault?.mode === "reverse") {
      this.held.push(job);
      if (fault.remaining === 0) this.releaseHeld();
      return;
    }
    this.queue.push(job);
    void this.run();
  }

  get holding(): boolean {
    return this.paused;
  }

  hold(): void {
    this.paused = true;
  }

  release(): void {
    this.paused = false;
    this.releaseHeld();
    void this.run();
  }

  deliveries(): DeliveryLog[] {
    return [...this.logs.values()];
  }

  // Resolves true once nothing is queued or in flight; held events are released first.
  async flush(timeoutMs: number): Promise<boolean> {
    this.release();
    if (this.isIdle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.idle.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    return result;
  }

  // Drops what is queued or held and resolves once the POST on the wire (if any) was answered,
  // so that nothing reaches the endpoint afterwards: a reset relies on it.
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.held = [];
    for (const wake of this.idle.splice(0)) wake();
    await this.inFlight;
  }

  private takeFault(): WebhookFault | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.shift();
    return fault;
  }

  private releaseHeld(): void {
    if (this.held.length === 0) return;
    this.queue.push(...this.held.reverse());
    this.held = [];
    void this.run();
  }

  private isIdle(): boolean {
    return !this.running && this.queue.length === 0 && this.held.length === 0;
  }

  private logFor(event: StripeEvent): DeliveryLog {
    let entry = this.logs.get(event.id);
    if (!entry) {
      entry = { event: event.id, type: event.type, attempts: [], delivered: false };
      this.logs.set(event.id, entry);
    }
    return entry;
  }

  private async run(): Promise<void> {
    if (this.running || this.paused) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job && !this.closed; job = this.paused ? undefined : this.queue.shift()) {
        const delivered = await this.deliver(job);
        // The copy goes out only once the original was acknowledged, like a redelivery Stripe makes.
        if (delivered && job.twice) await this.deliver({ ...job, breakFirstAttempt: false, twice: false });
      }
    } finally {
      this.running = false;
      if (this.isIdle()) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async deliver(job: Job): Promise<boolean> {
    const payload = JSON.stringify(job.event, null, 2);
    const entry = this.logFor(job.event);
    for (let attempt = 0; attempt <= BACKOFF_MS.length; attempt += 1) {
      if (attempt > 0) await sleep(BACKOFF_MS[attempt - 1] ?? 0);
      const endpoint = this.endpoint;
      if (this.closed || !endpoint) return false;
      const invalid = job.breakFirstAttempt && attempt === 0;
      // A signature made with the wrong secret is what a forged or corrupted delivery looks like.
      const secret = invalid ? `${endpoint.secret}_wrong` : endpoint.secret;
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      const sending = post(endpoint.url, payload, signature);
      this.inFlight = sending;
      const status = await sending;
      this.inFlight = null;
      entry.attempts.push({ status, at: Date.now(), signature: invalid ? "invalid" : "valid" });
      this.log(`webhook ${job.event.type} ${job.event.id} -> ${status}${invalid ? " (invalid signature)" : ""}`);
      if (typeof status === "number" && status >= 200 && status < 300) {
        entry.delivered = true;
        return true;
      }
    }
    return false;
  }
}

async function post(url: string, body: string, signature: string): Promise<number | "error"> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature,
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return "error";
  }
}
