import "server-only";
import type { Claims } from "@/lib/auth";
import type { Deadline } from "@/lib/deadline";
import { env } from "@/lib/env";

/**
 * One Subscribe click as its Stripe calls see it: who clicked, the click's id (every retry of a
 * call reuses the idempotency key made from it), when it arrived (ms since the epoch: orders two
 * clicks of one second, which Stripe's whole-second `created` can't) and the deadline they all share.
 */
export type CheckoutClick = { claims: Claims; attemptId: string; clickedAt: number; deadline: Deadline };

/** What is left of the click for one database round trip, at most DATABASE_TIMEOUT_MS. */
export const databaseBudget = (click: CheckoutClick) => Math.min(env().databaseTimeoutMs, click.deadline.remainingMs());
