import { EnvError, parseEnv } from "@/lib/env-schema";
import { refuseForbiddenMethods } from "@/lib/http/forbidden-methods";

// What the Node.js server does once at start (called from instrumentation.ts). Kept out of
// instrumentation.ts itself, which Next also compiles for the Edge runtime, where
// process.exit does not exist.
export function startNodeServer(): void {
  try {
    parseEnv(process.env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  refuseForbiddenMethods();
}
