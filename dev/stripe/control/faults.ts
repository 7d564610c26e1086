// Injected API failures, queued through /__control/faults. Each one applies to the next `count`
// API calls it matches, in the order queued; `path` matches the concrete path or the route
// pattern (`/v1/customers/:id`).
import type { Fault } from "../state/types.ts";

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

// Everything but the replacement body, which can be long.
export function describeFault(fault: Fault): Omit<Fault, "body"> {
  const described: Partial<Fault> = { ...fault };
  delete described.body;
  return described as Omit<Fault, "body">;
}
