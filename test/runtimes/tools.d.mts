// Types of tools.mjs. Miniflare's own types are in this folder's node_modules, which `npm ci` at the root does not
// install: only the part of its API the storage harness uses is declared here, so that type-checking needs no install.
export declare const RUNTIME_TOOLS: string
export declare function runtimeToolsInstalled(): boolean
export declare function ensureRuntimeTools(): boolean
export declare function runtimeToolPath(path: string): string
export declare function runtimeToolBin(name: string): string

/** A workerd instance started by miniflare. */
export interface Miniflare {
  /** Resolves to the worker's URL once workerd listens. */
  readonly ready: Promise<URL>
  dispose(): Promise<void>
}
export interface MiniflareModule {
  /** `new Miniflare(options)`: the options are in miniflare's README (modules, script, durableObjects, ...). */
  Miniflare: new (
    options: Record<string, unknown>,
  ) => Miniflare
}
export declare function importMiniflare(): Promise<MiniflareModule>
