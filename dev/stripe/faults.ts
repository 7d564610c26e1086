// Injected failures that tests queue through /__control/faults. Each one
// applies to the next `count` API calls it matches, in the order queued.

export type FaultMode = "status" | "drop" | "latency";

export type Fault = {
  id: number;
  mode: FaultMode;
  remaining: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  ms?: number;
  path?: string;
  method?: string;
};

let nextId = 1;

type FaultRequest = Record<string, unknown>;

function optionalString(body: FaultRequest, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new Error(`${key} must be a string`);
  return v;
}

function headersOf(body: FaultRequest): Record<string, string> | undefined {
  const v = body.headers;
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Object.values(v).some((h) => typeof h !== "string")) {
    throw new Error("headers must be an object of strings");
  }
  return v as Record<string, string>;
}

// Throws a plain Error with a human message; the control endpoint turns it into a 400.
export function parseFault(body: FaultRequest): Fault {
  const mode = body.mode ?? "status";
  if (mode !== "status" && mode !== "drop" && mode !== "latency")
    throw new Error("mode must be status, drop or latency");
  const count = body.count ?? 1;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1)
    throw new Error("count must be a positive integer");
  const fault: Fault = {
    id: nextId++,
    mode,
    remaining: count,
    headers: headersOf(body),
    body: body.body,
    path: optionalString(body, "path"),
    method: optionalString(body, "method")?.toUpperCase(),
  };
  if (mode === "status") {
    const status = body.status;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599)
      throw new Error("status must be an HTTP error status (400-599)");
    fault.status = status;
  }
  if (mode === "latency") {
    const ms = body.ms;
    if (typeof ms !== "number" || ms < 0) throw new Error("ms must be a non-negative number");
    fault.ms = ms;
  }
  return fault;
}

// `path` matches either the concrete path or the route pattern (`/v1/customers/:id`).
export function takeFault(faults: Fault[], method: string, path: string, pattern: string): Fault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.method === undefined || f.method === method) &&
      (f.path === undefined || f.path === path || f.path === pattern),
  );
  const fault = faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}

export const describeFault = (f: Fault) => ({
  id: f.id,
  mode: f.mode,
  remaining: f.remaining,
  ...(f.status !== undefined && { status: f.status }),
  ...(f.ms !== undefined && { ms: f.ms }),
  ...(f.path !== undefined && { path: f.path }),
  ...(f.method !== undefined && { method: f.method }),
  ...(f.headers !== undefined && { headers: f.headers }),
});
