// Runs once when the server starts. A misconfigured deployment stops here, naming the variable
// and the fix, instead of staying up and answering 500 on every route.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startNodeServer } = await import("@/lib/server-start");
  startNodeServer();
}
