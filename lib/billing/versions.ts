// What a write to the billing tables is versioned by, in whole seconds (stripe_event_at).
//
// An event's `data.object` is a snapshot taken when the event was made, and Stripe neither
// orders deliveries nor orders two events made in the same second: `created` is the only
// clock they carry. So a snapshot is written only over an older version; at the same second
// it cannot be ordered against what is there (a "tie"), and the caller re-reads the object
// from Stripe instead. A read from Stripe is at least as new as every event of the second it
// is versioned at, so it also wins a tie.

export type Version = { seconds: number; fetched: boolean };
export type WriteResult = "written" | "stale" | "tie";

/**
 * Stripe's clock and ours may disagree a little. A read started at second T is versioned T - 1
 * (events of that second tie and are re-read; older ones are stale), so a skew under a second
 * never lets a read hide an event made after it.
 */
const CLOCK_SKEW_SECONDS = 1;

export const eventVersion = (created: number): Version => ({ seconds: created, fetched: false });

/** A tie settled by reading the object after every event of that second was made. */
export const tieVersion = (created: number): Version => ({ seconds: created, fetched: true });

/** A read from Stripe that started at `startedAt` (our clock): a backfill, reconcile, a checkout return. */
export const fetchedVersion = (startedAt: Date): Version => ({
  seconds: Math.floor(startedAt.getTime() / 1000) - CLOCK_SKEW_SECONDS,
  fetched: true,
});

/** A Date is the moment a read from Stripe started (the backfill's convention). */
export const asVersion = (at: Version | Date): Version => (at instanceof Date ? fetchedVersion(at) : at);

export const versionDate = (v: Version) => new Date(v.seconds * 1000);
