// Reads a request body up to a byte limit, streaming: a body over the limit is refused after at
// most `limit` bytes were read (or at once, by its Content-Length), never buffered whole.

export type LimitedBody = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; tooLarge: true };

export async function readLimitedBody(request: Request, limit: number): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) return { ok: false, tooLarge: true };
  if (!request.body) return { ok: true, bytes: new Uint8Array() };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: on a clone (a tee branch) cancel() settles only once the other branch is
      // cancelled too, which is the caller's business.
      reader.cancel().catch(() => {});
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}
