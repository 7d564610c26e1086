// Stripe's v1 wire format: application/x-www-form-urlencoded with bracket paths (`a[b][c]=v`,
// `a[0][k]=v`), parsed by `qs`, the library stripe-node's encoder is made compatible with.
// Indexed segments stay object keys (`parseArrays: false`): the schema turns them into arrays
// where the API expects one, so `metadata[0]=x` remains a metadata key as it does at Stripe.
import qs from "qs";

export type FormValue = string | FormObject | FormValue[];
export type FormObject = { [key: string]: FormValue };

export const isFormObject = (value: FormValue | undefined): value is FormObject =>
  typeof value === "object" && !Array.isArray(value);

// Null-prototype objects, so a key such as `__proto__` is plain data; deep enough for flow_data.
export const parseForm = (body: string): FormObject =>
  qs.parse(body, { depth: 10, parseArrays: false, plainObjects: true, parameterLimit: 2000 }) as FormObject;

// Stable form of parsed parameters, so an idempotent retry is compared by
// meaning rather than by the order the client happened to encode fields in.
export function fingerprint(value: FormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${fingerprint(value[k] ?? "")}`).join(",")}}`;
}
