import { UnavailableError } from "@/lib/billing/errors";

// The auth step of a request (reading the session, refreshing it, verifying the token) gets
// its own budget, well inside the click's overall deadline: a hung auth server costs a click at
// most this long, then the answer is auth_unavailable (503), never "please sign in".
export const AUTH_STEP_MS = 3_000;

/** Resolves as `work` does, or rejects with UnavailableError("auth_unavailable") after `ms`. */
export async function withinAuthDeadline<T>(work: Promise<T>, ms = AUTH_STEP_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError("auth_unavailable")), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A fetch for one request's Supabase client that stops calling the auth server once the auth
 * step's budget is spent. auth-js retries a failed refresh with backoff for up to 30 s; past the
 * budget those retries fail at once instead of reaching the network.
 */
export function budgetedFetch(ms = AUTH_STEP_MS, now = Date.now): typeof fetch {
  const deadline = now() + ms;
  return (input, init) => {
    const left = deadline - now();
    if (left <= 0) return Promise.reject(new Error("the auth step's time budget is spent"));
    const timeout = AbortSignal.timeout(left);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}
