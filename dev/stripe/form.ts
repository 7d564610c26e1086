// Stripe's v1 wire format: application/x-www-form-urlencoded with bracket paths
// (`a[b][c]=v`, `a[]=v`, `a[0][k]=v`). Indexed segments stay object keys here;
// the schema turns them into arrays where the API expects an array, so that
// `metadata[0]=x` remains a metadata key as it does at Stripe.

export type FormValue = string | FormObject | FormValue[];
export type FormObject = { [key: string]: FormValue };

// Null-prototype objects so a key such as `__proto__` is plain data.
export function emptyObject(): FormObject {
  return Object.create(null) as FormObject;
}

export function isFormObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && !Array.isArray(value);
}

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function segmentsOf(key: string): string[] {
  const match = KEY.exec(key);
  if (!match) return [key];
  const rest = match[2] ?? "";
  const inner = rest === "" ? [] : rest.slice(1, -1).split("][");
  return [match[1] ?? key, ...inner];
}

function place(container: FormObject | FormValue[], segment: string, value: FormValue): void {
  if (Array.isArray(container)) container.push(value);
  else container[segment] = value;
}

function child(container: FormObject | FormValue[], segment: string, nextIsAppend: boolean): FormObject | FormValue[] {
  const existing = Array.isArray(container) ? undefined : container[segment];
  if (existing !== undefined && typeof existing !== "string") return existing;
  const created: FormObject | FormValue[] = nextIsAppend ? [] : emptyObject();
  place(container, segment, created);
  return created;
}

export function parseForm(body: string): FormObject {
  const root = emptyObject();
  for (const [key, value] of new URLSearchParams(body)) {
    const segments = segmentsOf(key);
    let container: FormObject | FormValue[] = root;
    for (let i = 0; i < segments.length - 1; i += 1) {
      container = child(container, segments[i] ?? "", segments[i + 1] === "");
    }
    place(container, segments[segments.length - 1] ?? key, value);
  }
  return root;
}

// Stable form of parsed parameters, so an idempotent retry is compared by
// meaning rather than by the order the client happened to encode fields in.
export function fingerprint(value: FormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${fingerprint(value[k] ?? "")}`).join(",")}}`;
}
