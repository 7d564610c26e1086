// List objects and Stripe's cursor pagination over newest-first arrays.
import { resourceMissing } from "./errors.ts";
import type { ParsedObject } from "./schema.ts";
import { arrayOf, int, readNumber, readString, str } from "./schema.ts";

export const expandParam = { expand: arrayOf(str()) };
export const listParams = { ending_before: str(), limit: int(1, 100), starting_after: str(), ...expandParam };

export const listObject = <T>(url: string, data: T[], hasMore: boolean) => ({
  object: "list" as const,
  data,
  has_more: hasMore,
  url,
});

export function paginate<T extends { id: string }>(items: T[], params: ParsedObject, url: string, noun: string) {
  const limit = readNumber(params, "limit") ?? 10;
  const locate = (id: string, param: string) => {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw resourceMissing(noun, id, param, 400);
    return index;
  };
  const after = readString(params, "starting_after");
  const before = readString(params, "ending_before");
  if (after === undefined && before !== undefined) {
    const end = locate(before, "ending_before");
    const start = Math.max(0, end - limit);
    return listObject(url, items.slice(start, end), start > 0);
  }
  const window = after === undefined ? items : items.slice(locate(after, "starting_after") + 1);
  return listObject(url, window.slice(0, limit), window.length > limit);
}
