// What every route handler of the stand-in shares.
import type { SigningKey } from "./keys.ts";
import type { SessionStore } from "./sessions.ts";
import type { UserStore } from "./users.ts";

export type Settings = {
  /** GoTrue's JWT_EXP. */
  accessTokenTtlSeconds: number;
  /** GoTrue's SECURITY_REFRESH_TOKEN_REUSE_INTERVAL. */
  refreshTokenReuseIntervalSeconds: number;
};

export type AuthContext = {
  issuer: string;
  key: SigningKey;
  users: UserStore;
  sessions: SessionStore;
  settings: Settings;
};
