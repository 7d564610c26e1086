// Webhook delivery as Stripe does it: each event goes to every enabled endpoint subscribed to its
// type when it is made, as a signed JSON POST, in creation order, one at a time per endpoint (each
// endpoint has its own lane, so a dead one delays no other), retried on a non-2xx answer or a
// network error. Stripe retries for days; here it is 4 attempts over ~1.7 s so tests can watch
// retries happen. An endpoint disabled or deleted meanwhile gets nothing more. A delivery that
// succeeds lowers the event's pending_webhooks, which is what events.list's delivery_success reads.
// Injected webhook faults reorder, repeat, break or drop deliveries on purpose; a hold keeps every
// delivery queued until it is released (a webhook that is late, as when Stripe is slow to send).
import { subscribes } from "../objects/webhook-endpoint.ts";
import type { DeliveryLog, EndpointEntry, StripeEvent, WebhookFault, WebhookQueue } from "../state/types.ts";
import { sleep } from "../wire/http.ts";
import { sendSigned } from "./send.ts";

type Job = { event: StripeEvent; log: DeliveryLog; breakFirstAttempt: boolean; twice: boolean; drop: boolean };
type Lane = { queue: Job[]; held: Job[]; running: boolean; inFlight: Promise<unknown> | null };

const BACKOFF_MS = [200, 500, 1000];

export class WebhookDispatcher implements WebhookQueue {
  readonly faults: WebhookFault[] = [];
  readonly resolve = new Map<string, string>();
  private readonly logs: DeliveryLog[] = [];
  private readonly lanes = new Map<string, Lane>();
  private closed = false;
  private paused = false;
  private idle: Array<() => void> = [];
  private readonly endpoints: Map<string, EndpointEntry>;
  private readonly log: (line: string) => void;

  constructor(endpoints: Map<string, EndpointEntry>, log: (line: string) => void) {
    this.endpoints = endpoints;
    this.log = log;
  }

  targets(type: string): string[] {
    return [...this.endpoints.values()].filter((e) => subscribes(e.endpoint, type)).map((e) => e.endpoint.id);
  }

  submit(event: StripeEvent, targets: string[]): void {
    if (targets.length === 0 || this.closed) return;
    const fault = this.takeFault();
    for (const endpoint of targets) {
      const log: DeliveryLog = { event: event.id, type: event.type, endpoint, attempts: [], delivered: false };
      this.logs.push(log);
      const job: Job = {
        event,
        log,
        breakFirstAttempt: fault?.mode === "fail_first",
        twice: fault?.mode === "duplicate",
        drop: fault?.mode === "drop",
      };
      const lane = this.lane(endpoint);
      if (fault?.mode === "reverse") lane.held.push(job);
      else {
        lane.queue.push(job);
        void this.run(lane);
      }
    }
    if (fault?.mode === "reverse" && fault.remaining === 0) this.releaseHeld();
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
    for (const lane of this.lanes.values()) void this.run(lane);
  }

  deliveries(): DeliveryLog[] {
    return [...this.logs];
  }

  // Resolves true once nothing is queued or in flight; a hold and held events are released first.
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

  // Drops what is queued or held and resolves once the POSTs on the wire (if any) were answered,
  // so that nothing reaches an endpoint afterwards: a reset relies on it.
  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      lane.queue.length = 0;
      lane.held = [];
    }
    for (const wake of this.idle.splice(0)) wake();
    await Promise.all([...this.lanes.values()].map((l) => l.inFlight));
  }

  private address(url: string): string {
    const parsed = new URL(url);
    const origin = this.resolve.get(parsed.host);
    return origin ? `${origin}${parsed.pathname}${parsed.search}` : url;
  }

  private lane(endpoint: string): Lane {
    let lane = this.lanes.get(endpoint);
    if (!lane) this.lanes.set(endpoint, (lane = { queue: [], held: [], running: false, inFlight: null }));
    return lane;
  }

  private takeFault(): WebhookFault | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.shift();
    return fault;
  }

  private releaseHeld(): void {
    for (const lane of this.lanes.values()) {
      if (lane.held.length === 0) continue;
      lane.queue.push(...lane.held.reverse());
      lane.held = [];
      void this.run(lane);
    }
  }

  private isIdle(): boolean {
    return [...this.lanes.values()].every((l) => !l.running && l.queue.length === 0 && l.held.length === 0);
  }

  private async run(lane: Lane): Promise<void> {
    if (lane.running || this.paused) return;
    lane.running = true;
    try {
      for (let job = lane.queue.shift(); job && !this.closed; job = this.paused ? undefined : lane.queue.shift()) {
        const delivered = await this.deliver(lane, job);
        // The copy goes out only once the original was acknowledged, like a redelivery Stripe makes.
        if (delivered && job.twice) await this.deliver(lane, { ...job, breakFirstAttempt: false, twice: false });
      }
    } finally {
      lane.running = false;
      if (this.isIdle()) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async deliver(lane: Lane, job: Job): Promise<boolean> {
    const { event, log } = job;
    if (job.drop) {
      log.attempts.push({ status: "dropped", at: Date.now(), signature: "valid" });
      this.log(`webhook ${event.type} ${event.id} -> ${log.endpoint} dropped (fault)`);
      return false;
    }
    for (let attempt = 0; attempt <= BACKOFF_MS.length; attempt += 1) {
      if (attempt > 0) await sleep(BACKOFF_MS[attempt - 1] ?? 0);
      const target = this.endpoints.get(log.endpoint);
      if (this.closed || target?.endpoint.status !== "enabled") return false;
      const invalid = job.breakFirstAttempt && attempt === 0;
      // A signature made with the wrong secret is what a forged or corrupted delivery looks like.
      const secret = invalid ? `${target.secret}_wrong` : target.secret;
      const sending = sendSigned(this.address(target.endpoint.url), JSON.stringify(event, null, 2), secret);
      lane.inFlight = sending;
      const status = await sending;
      lane.inFlight = null;
      log.attempts.push({ status, at: Date.now(), signature: invalid ? "invalid" : "valid" });
      this.log(`webhook ${event.type} ${event.id} -> ${status}${invalid ? " (invalid signature)" : ""}`);
      if (typeof status === "number" && status >= 200 && status < 300) {
        if (!log.delivered) event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
        log.delivered = true;
        return true;
      }
    }
    return false;
  }
}
