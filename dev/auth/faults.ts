// Outages on demand, for tests of what the app does when Supabase Auth is down or hangs:
// POST /__control/faults { mode: "refuse" | "hang" | "status", path?: "/auth/v1/…", status? },
// DELETE /__control/faults. A fault applies to every /auth/v1 route whose path starts with `path`.
import type { IncomingMessage, ServerResponse } from "node:http";

export type Fault = { mode: "refuse" | "hang" | "status"; path: string; status: number };

export class Faults {
  #fault: Fault | undefined;
  #hanging = new Set<ServerResponse>();

  set(body: Record<string, unknown>): string | null {
    const { mode, path = "/auth/v1/", status = 503 } = body;
    if (mode !== "refuse" && mode !== "hang" && mode !== "status") return "mode must be refuse, hang or status";
    if (typeof path !== "string" || !path.startsWith("/auth/v1/")) return "path must start with /auth/v1/";
    if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)
      return "status must be 4xx or 5xx";
    this.#fault = { mode, path, status: status as number };
    return null;
  }

  clear(): void {
    this.#fault = undefined;
    for (const res of this.#hanging) res.socket?.destroy();
    this.#hanging.clear();
  }

  /** True when the fault answered (or swallowed) the request. */
  apply(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const fault = this.#fault;
    if (!fault || !path.startsWith(fault.path)) return false;
    if (fault.mode === "refuse") req.socket.destroy();
    else if (fault.mode === "hang") {
      this.#hanging.add(res);
      res.on("close", () => this.#hanging.delete(res));
    } else res.writeHead(fault.status, { "content-type": "text/plain" }).end("injected fault");
    return true;
  }
}
