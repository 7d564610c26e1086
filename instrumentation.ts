// Runs once when the server starts. A misconfigured deployment stops here, naming the variable
// and the fix, instead of staying up and answering 500 on every route.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { EnvError, parseEnv } = await import("@/lib/env-schema");
  try {
    parseEnv(process.env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  const { refuseForbiddenMethods } = await import("@/lib/http/forbidden-methods");
  refuseForbiddenMethods();
}
