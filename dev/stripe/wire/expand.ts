// The `expand[]` parameter, checked as Stripe checks it: a path of more than four levels is
// refused whatever it names (list paths count their leading `data.`), then each path must be one
// the resource expands. Responses swap ids for objects on copies, never in stored state.
import { cannotExpand, expansionTooDeep } from "./errors.ts";
import type { ParsedObject } from "./schema.ts";
import { readArray } from "./schema.ts";

const MAX_LEVELS = 4;

// The requested expansions, relative to one object (without the list's `data.`).
export function expansions(params: ParsedObject, allowed: readonly string[], list = false): Set<string> {
  const paths = (readArray(params, "expand") ?? []).filter((p): p is string => typeof p === "string");
  for (const path of paths) if (path.split(".").length > MAX_LEVELS) throw expansionTooDeep(path);
  const out = new Set<string>();
  for (const path of paths) {
    const name = list ? (path.startsWith("data.") ? path.slice("data.".length) : null) : path;
    if (name === null || !allowed.includes(name)) throw cannotExpand(path);
    out.add(name);
  }
  return out;
}
