// Declarative parameter schemas, checked the way Stripe checks them: unknown
// parameters first, then missing/empty required ones, then types and enums.
// Coercion mirrors the wire format, where everything arrives as a string.
import type { FormObject, FormValue } from "./form.ts";
import { isFormObject } from "./form.ts";
import {
  emailInvalid,
  invalidRequest,
  parameterInvalidEmpty,
  parameterInvalidInteger,
  parameterMissing,
  parameterUnknown,
  urlInvalid,
} from "./errors.ts";

export type Parsed = string | number | boolean | null | Parsed[] | ParsedObject;
export type ParsedObject = { [key: string]: Parsed };

export type ObjectSchema = { kind: "object"; fields: Record<string, Schema>; required: readonly string[] };
export type Schema =
  | { kind: "string" | "url" | "email" | "boolean" | "metadata" | "any" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "integer"; min?: number; max?: number }
  | { kind: "array"; items: Schema; maxItems?: number }
  | ObjectSchema;

export const str = (): Schema => ({ kind: "string" });
export const url = (): Schema => ({ kind: "url" });
export const email = (): Schema => ({ kind: "email" });
export const bool = (): Schema => ({ kind: "boolean" });
export const metadata = (): Schema => ({ kind: "metadata" });
export const any = (): Schema => ({ kind: "any" });
export const oneOf = (...values: string[]): Schema => ({ kind: "enum", values });
export const int = (min?: number, max?: number): Schema => ({ kind: "integer", min, max });
export const arrayOf = (items: Schema, maxItems?: number): Schema => ({ kind: "array", items, maxItems });
export const obj = (fields: Record<string, Schema>, required: readonly string[] = []): ObjectSchema => ({
  kind: "object",
  fields,
  required,
});

const join = (path: string, key: string) => (path === "" ? key : `${path}[${key}]`);
const show = (value: FormValue) => (typeof value === "string" ? value : JSON.stringify(value));

function entries(value: FormValue): FormValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isFormObject(value)) return undefined;
  const keys = Object.keys(value);
  if (!keys.every((k) => /^\d+$/.test(k))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k] ?? "");
}

function unknownParams(value: FormValue, schema: Schema, path: string, out: string[]): void {
  if (schema.kind === "object" && isFormObject(value)) {
    for (const key of Object.keys(value)) {
      const field = schema.fields[key];
      const child = value[key];
      if (!field) out.push(join(path, key));
      else if (child !== undefined) unknownParams(child, field, join(path, key), out);
    }
  } else if (schema.kind === "array") {
    entries(value)?.forEach((item, i) => unknownParams(item, schema.items, join(path, String(i)), out));
  }
}

function raw(value: FormValue): Parsed {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(raw);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, raw(v)]));
}

function scalar(value: FormValue, path: string): string {
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${show(value)}`, path);
  return value;
}

function coerceMetadata(value: FormValue, path: string): ParsedObject {
  if (!isFormObject(value)) throw invalidRequest("Invalid object", path);
  const out: ParsedObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string")
      throw invalidRequest(`Invalid value for metadata key '${key}': must be a string`, join(path, key));
    if (key.length > 40)
      throw invalidRequest(
        `Metadata keys can have up to 40 characters, but you passed in a key that is ${key.length} characters long.`,
        join(path, key),
      );
    if (v.length > 500)
      throw invalidRequest(
        `Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters long.`,
        join(path, key),
      );
    // An empty value means "remove this key", as at Stripe.
    out[key] = v === "" ? null : v;
  }
  if (Object.keys(out).length > 50) throw invalidRequest("You can specify up to 50 keys in metadata.", path);
  return out;
}

function coerceObject(value: FormValue, schema: ObjectSchema, path: string): ParsedObject {
  if (!isFormObject(value)) throw invalidRequest("Invalid object", path);
  const out: ParsedObject = {};
  for (const [key, field] of Object.entries(schema.fields)) {
    const child = value[key];
    const childPath = join(path, key);
    const required = schema.required.includes(key);
    if (child === undefined) {
      if (required) throw parameterMissing(childPath);
      continue;
    }
    out[key] = coerce(child, field, childPath, required);
  }
  return out;
}

function listOf(value: FormValue, schema: Extract<Schema, { kind: "array" }>, path: string): Parsed[] {
  const items = entries(value);
  if (!items) throw invalidRequest("Invalid array", path);
  if (schema.maxItems !== undefined && items.length > schema.maxItems) {
    throw invalidRequest(
      `Invalid array: ${path} must contain at most ${schema.maxItems} item${schema.maxItems === 1 ? "" : "s"}.`,
      path,
    );
  }
  return items.map((item, i) => coerce(item, schema.items, join(path, String(i)), true));
}

function coerce(value: FormValue, schema: Schema, path: string, required: boolean): Parsed {
  if (value === "") {
    if (required) throw parameterInvalidEmpty(path);
    return null;
  }
  switch (schema.kind) {
    case "any":
      return raw(value);
    case "string":
      return scalar(value, path);
    case "url": {
      const text = scalar(value, path);
      if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) throw urlInvalid(path);
      return text;
    }
    case "email": {
      const text = scalar(value, path);
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) throw emailInvalid(path, text);
      return text;
    }
    case "enum": {
      const text = scalar(value, path);
      if (schema.values.includes(text)) return text;
      const list =
        schema.values.length > 1
          ? `${schema.values.slice(0, -1).join(", ")}, or ${schema.values.at(-1)}`
          : (schema.values[0] ?? "");
      throw invalidRequest(`Invalid ${path}: must be one of ${list}`, path);
    }
    case "integer": {
      const text = scalar(value, path);
      if (!/^-?\d+$/.test(text)) throw parameterInvalidInteger(path, text);
      const n = Number(text);
      if (schema.min !== undefined && n < schema.min)
        throw invalidRequest(`This value must be greater than or equal to ${schema.min}.`, path);
      if (schema.max !== undefined && n > schema.max)
        throw invalidRequest(`This value must be less than or equal to ${schema.max}.`, path);
      return n;
    }
    case "boolean": {
      const text = scalar(value, path);
      if (text !== "true" && text !== "false") throw invalidRequest(`Invalid boolean: ${text}`, path);
      return text === "true";
    }
    case "metadata":
      return coerceMetadata(value, path);
    case "array":
      return listOf(value, schema, path);
    case "object":
      return coerceObject(value, schema, path);
  }
}

export function validateParams(input: FormObject, schema: ObjectSchema): ParsedObject {
  const unknown: string[] = [];
  unknownParams(input, schema, "", unknown);
  if (unknown.length > 0) throw parameterUnknown(unknown);
  return coerceObject(input, schema, "");
}

// Typed readers for validated parameters; absent and explicitly-unset both read as undefined.
export const readString = (o: ParsedObject | undefined, key: string) =>
  typeof o?.[key] === "string" ? o[key] : undefined;
export const readNumber = (o: ParsedObject | undefined, key: string) =>
  typeof o?.[key] === "number" ? o[key] : undefined;
export const readBool = (o: ParsedObject | undefined, key: string) =>
  typeof o?.[key] === "boolean" ? o[key] : undefined;
export function readObject(o: ParsedObject | undefined, key: string): ParsedObject | undefined {
  const v = o?.[key];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
}
// Metadata as stored: the keys a request set (an empty value removed its key at parse time).
export function readMetadata(o: ParsedObject | undefined, key = "metadata"): Record<string, string> {
  const meta = readObject(o, key) ?? {};
  return Object.fromEntries(Object.entries(meta).filter((e): e is [string, string] => typeof e[1] === "string"));
}
export function readArray(o: ParsedObject | undefined, key: string): Parsed[] | undefined {
  const v = o?.[key];
  return Array.isArray(v) ? v : undefined;
}
