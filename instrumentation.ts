// Runs once when the server starts: a misconfigured deployment fails at boot, naming the
// variable to fix, instead of on the first click.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { parseEnv } = await import("@/lib/env");
  parseEnv(process.env);
  const { refuseForbiddenMethods } = await import("@/lib/http/forbidden-methods");
  refuseForbiddenMethods();
}
