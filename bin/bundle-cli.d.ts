/** Bundles src/cli/main.ts into `bundleDir` (see bundle-cli.js); `distDir` holds the per-file compilation. */
export function bundleCli(options: { srcDir: string; distDir: string; bundleDir: string }): Promise<void>;
