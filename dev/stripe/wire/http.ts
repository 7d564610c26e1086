// Small helpers shared by the API, the control endpoints and the webhook queue.

// Unref'd so an injected delay never keeps a closed stand-in's process alive.
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

// Stripe's bodies are pretty-printed JSON with a trailing newline.
export const stripeJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
