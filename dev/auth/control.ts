// Test hooks outside /auth/v1 (no apikey): call counters, so tests in another process can assert
// how many Auth round trips the app made, knobs for token lifetimes, and injected faults.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Settings } from "./context.ts";
import type { Faults } from "./faults.ts";
import { readJsonBody, sendJson } from "./http.ts";

// Listed with 0 so a test can assert "no call" for a route that was never hit.
const KNOWN_CALLS = [
  "POST /auth/v1/token?grant_type=password",
  "POST /auth/v1/token?grant_type=refresh_token",
  "GET /auth/v1/.well-known/jwks.json",
  "GET /auth/v1/user",
  "POST /auth/v1/logout?scope=global",
  "POST /auth/v1/logout?scope=local",
  "POST /auth/v1/logout?scope=others",
];

/** The counter key: method and path, plus the one query parameter that selects behaviour. */
export function callKey(method: string, url: URL): string {
  const param = url.pathname === "/auth/v1/token" ? "grant_type" : url.pathname === "/auth/v1/logout" ? "scope" : null;
  const value = param ? url.searchParams.get(param) : null;
  return `${method} ${url.pathname}${value !== null ? `?${param}=${value}` : ""}`;
}

export class CallCounter {
  #calls = new Map<string, number>();

  constructor() {
    this.reset();
  }

  record(key: string): void {
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.#calls = new Map(KNOWN_CALLS.map((k) => [k, 0]));
  }

  snapshot(): { calls: Record<string, number>; total: number } {
    let total = 0;
    for (const n of this.#calls.values()) total += n;
    return { calls: Object.fromEntries(this.#calls), total };
  }
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  counter: CallCounter,
  settings: Settings,
  faults: Faults,
): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  if (route === "DELETE /__control/faults") {
    faults.clear();
    return sendJson(res, 200, {});
  }
  if (route === "POST /__control/faults") {
    const problem = faults.set(await readJsonBody(req).catch(() => ({})));
    return problem ? sendJson(res, 400, { error: problem }) : sendJson(res, 200, {});
  }
  if (route === "GET /__control/counters") return sendJson(res, 200, counter.snapshot());
  if (route === "POST /__control/reset") {
    counter.reset();
    faults.clear();
    return sendJson(res, 200, counter.snapshot());
  }
  if (route === "POST /__control/ttl") {
    let body: Record<string, unknown>;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      return sendJson(res, 400, { error: (err as Error).message });
    }
    const ttl = body.accessTokenTtlSeconds;
    const reuse = body.refreshTokenReuseIntervalSeconds;
    if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) > 0)) {
      return sendJson(res, 400, { error: "accessTokenTtlSeconds must be a positive integer" });
    }
    if (reuse !== undefined && !(Number.isInteger(reuse) && (reuse as number) >= 0)) {
      return sendJson(res, 400, { error: "refreshTokenReuseIntervalSeconds must be a non-negative integer" });
    }
    // Applies to tokens issued from now on; tokens already out keep their exp.
    if (ttl !== undefined) settings.accessTokenTtlSeconds = ttl as number;
    if (reuse !== undefined) settings.refreshTokenReuseIntervalSeconds = reuse as number;
    return sendJson(res, 200, { ...settings });
  }
  sendJson(res, 404, { error: `no control route ${route}` });
}
