import http from "node:http";

// TRACE is a method the Fetch standard forbids: Next cannot even build the Request its proxy
// and route handlers receive, so it fails with 500 before any code of ours runs. On
// `next start` (and any Node server) it is answered here, at the HTTP server, with 405.
// (Node's parser itself answers TRACK with 400, and closes the connection on CONNECT.)
const FORBIDDEN = new Set(["TRACE"]);
const BODY = JSON.stringify({ error: "This method isn't supported here.", code: "invalid_request" });
const PATCHED = Symbol.for("manage-billing.forbidden-methods");

export function refuseForbiddenMethods(): void {
  const proto = http.Server.prototype as http.Server & { [PATCHED]?: true };
  if (proto[PATCHED]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (FORBIDDEN.has(req.method ?? "")) {
        req.resume();
        res.writeHead(405, {
          Allow: "GET, HEAD, POST",
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(BODY),
        });
        res.end(BODY);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
  proto[PATCHED] = true;
}
