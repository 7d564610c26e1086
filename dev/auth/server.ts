// A local stand-in for Supabase Auth (GoTrue) behind Supabase's API gateway: the subset the app
// uses (password sign-in, refresh, JWKS for getClaims(), getUser, signOut), on the real
// auth.users table, so @supabase/ssr and supabase-js cannot tell it from the hosted service.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleGetUser, handleLogout } from "./account.ts";
import type { AuthContext, Settings } from "./context.ts";
import { CallCounter, callKey, handleControl } from "./control.ts";
import { handleToken } from "./grants.ts";
import { GoTrueError, OAuthError, sendError, sendJson } from "./http.ts";
import { Faults } from "./faults.ts";
import { createSigningKey } from "./keys.ts";
import { createSessionStore } from "./sessions.ts";
import { createUserStore } from "./users.ts";

export type AuthStandInOptions = {
  port: number;
  host?: string;
  databaseUrl: string;
  anonKey: string;
  accessTokenTtlSeconds?: number;
  /** Grace period for reusing a rotated refresh token; GoTrue's default is 10 seconds. */
  refreshTokenReuseIntervalSeconds?: number;
  log?: (line: string) => void;
};

export type AuthStandIn = { url: string; port: number; jwks: { keys: object[] }; close(): Promise<void> };

const ROUTES: Record<string, string> = {
  "/.well-known/jwks.json": "GET",
  "/token": "POST",
  "/user": "GET",
  "/logout": "POST",
};

export async function startAuthStandIn(opts: AuthStandInOptions): Promise<AuthStandIn> {
  const host = opts.host ?? "127.0.0.1";
  const settings: Settings = {
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    refreshTokenReuseIntervalSeconds: opts.refreshTokenReuseIntervalSeconds ?? 10,
  };
  const key = await createSigningKey();
  const users = createUserStore(opts.databaseUrl);
  const sessions = createSessionStore(opts.databaseUrl);
  const counter = new CallCounter();
  const faults = new Faults();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${publicHost(host)}:${port}`;
  // The issuer names the real port, which is only known once listening (port 0 is allowed).
  const ctx: AuthContext = { issuer: `${url}/auth/v1`, key, users, sessions, settings };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const reqUrl = new URL(req.url ?? "/", url);
    if (reqUrl.pathname.startsWith("/__control/")) return handleControl(req, res, reqUrl, counter, settings, faults);
    if (!reqUrl.pathname.startsWith("/auth/v1/"))
      return sendJson(res, 404, { message: "no Route matched with those values" });

    counter.record(callKey(method, reqUrl));
    if (faults.apply(req, res, reqUrl.pathname)) return;
    const path = reqUrl.pathname.slice("/auth/v1".length);
    // Supabase's gateway leaves the JWKS open; every other Auth route needs the project's key.
    if (path !== "/.well-known/jwks.json" && !apiKeyAccepted(req, reqUrl, opts.anonKey, res)) return;

    const allowed = ROUTES[path];
    if (!allowed) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      return;
    }
    if (method !== allowed) {
      res.writeHead(405).end();
      return;
    }
    if (path === "/.well-known/jwks.json")
      return sendJson(res, 200, key.jwks, { "cache-control": "public, max-age=600" });
    if (path === "/token") return handleToken(ctx, req, res, reqUrl.searchParams.get("grant_type"));
    if (path === "/user") return handleGetUser(ctx, req, res);
    return handleLogout(ctx, req, res, reqUrl.searchParams.get("scope"));
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    res.on("finish", () => opts.log?.(`[auth] ${req.method} ${req.url} -> ${res.statusCode}`));
    route(req, res).catch((err: unknown) => {
      if (!(err instanceof GoTrueError || err instanceof OAuthError))
        opts.log?.(`[auth] ${req.method} ${req.url} failed: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) sendError(req, res, err);
      else res.end();
    });
  });

  return {
    url,
    port,
    jwks: key.jwks,
    async close() {
      faults.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await users.close();
      await sessions.close();
    },
  };
}

/** Kong's key-auth, with the messages Supabase's gateway sends. */
function apiKeyAccepted(req: IncomingMessage, url: URL, anonKey: string, res: ServerResponse): boolean {
  const header = req.headers.apikey;
  const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("apikey");
  if (key === anonKey) return true;
  if (!key)
    sendJson(res, 401, {
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  else
    sendJson(res, 401, {
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  return false;
}

function publicHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
