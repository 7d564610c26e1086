import { readLimitedBody } from "@/lib/http/limited-body";

// A POST to a page is a server action: the sign-in, sign-out and Manage Billing forms, all a
// few hundred bytes. Next decodes the body before any action of ours runs, and answers a body
// it can't decode (not a JSON array, broken multipart, over its own size limit) with 500.
// Checked here first, those get a 4xx; what decodes is left to the actions' own checks.

export const MAX_PAGE_POST_BYTES = 64 * 1024;

export type PagePostProblem = "too_large" | "malformed";

export async function checkPagePost(request: Request): Promise<PagePostProblem | null> {
  const body = await readLimitedBody(request.clone(), MAX_PAGE_POST_BYTES);
  if (!body.ok) return "too_large";
  const contentType = request.headers.get("content-type") ?? "";
  // Lower-cased for matching only: a multipart boundary is case-sensitive.
  const type = contentType.toLowerCase();
  const isAction = request.headers.has("next-action");

  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Response(body.bytes, { headers: { "content-type": contentType } }).formData();
    } catch {
      return "malformed";
    }
    // React's encoding of a fetch action's arguments: field "0" holds the argument list.
    if (isAction && !isJsonArray(form.get("0"))) return "malformed";
    return null;
  }
  // Any other body of a fetch action is the argument list itself, as JSON.
  if (isAction && !type.startsWith("application/x-www-form-urlencoded")) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body.bytes);
    } catch {
      return "malformed";
    }
    if (!isJsonArray(text)) return "malformed";
  }
  return null;
}

function isJsonArray(value: FormDataEntryValue | null): boolean {
  if (typeof value !== "string") return false;
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}
