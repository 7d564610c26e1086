// Ids, secrets and the clock of the objects the stand-in makes.
import { createHash, randomBytes, randomInt } from "node:crypto";

const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// What Stripe reports when a request names no version, and what events are rendered in: the account's pinned one.
export const ACCOUNT_API_VERSION = "2026-10-28.endive";

// Where ids and the clock come from; `reproducibly` swaps both while it seeds.
let draw = (n: number) => randomInt(n);
let frozenSeconds: number | null = null;

export function randomId(prefix: string, length: number, alphabet = ALNUM): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[draw(alphabet.length)];
  return `${prefix}${out}`;
}

export const nowSeconds = () => frozenSeconds ?? Math.floor(Date.now() / 1000);

/**
 * Runs `build` with ids derived from `key` and the clock stopped at `atSeconds`, so that seeding
 * again after a reset recreates the same objects with the same ids (the app's database, seeded
 * from the first start, keeps pointing at them). `build` must be synchronous: the swap is global.
 */
export function reproducibly<T>(key: string, atSeconds: number, build: () => T): T {
  const saved = { draw, frozenSeconds };
  let counter = 0;
  draw = (n) => createHash("sha256").update(`${key}\0${counter++}`).digest().readUInt32BE(0) % n;
  frozenSeconds = atSeconds;
  try {
    return build();
  } finally {
    ({ draw, frozenSeconds } = saved);
  }
}

// Hard to guess on purpose: the hosted page grants access to whoever holds the URL.
export const portalSecret = () => `test_${randomBytes(48).toString("base64url")}`;
