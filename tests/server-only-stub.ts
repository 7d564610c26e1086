// Vitest runs lib/ outside Next; "server-only" only means something to the Next bundler.
export {};
