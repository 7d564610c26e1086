import "server-only";
import { parseEnv, type ServerEnv } from "@/lib/env-schema";

// Every variable the server reads, validated once (lib/env-schema.ts). Nothing else in the app
// reads process.env.
export { EnvError, parseEnv, type ServerEnv } from "@/lib/env-schema";

let cached: ServerEnv | undefined;

export function env(): ServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
