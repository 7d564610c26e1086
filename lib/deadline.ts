// One time budget per click: every wait asks what is left of it, so a slow step shortens the
// next one instead of each step having a timeout of its own that adds up.

export type Deadline = { remainingMs(): number };

export function deadlineIn(ms: number): Deadline {
  const endsAt = performance.now() + ms;
  return { remainingMs: () => Math.max(0, endsAt - performance.now()) };
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${Math.round(ms)} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * `work`, or a TimeoutError after `ms`, whichever comes first. The work itself goes on: the
 * caller decides what to do with a dependency that never answers.
 */
export function settleWithin<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
