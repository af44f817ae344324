// Types of tools.mjs. Miniflare's own types are in this folder's node_modules, which `npm ci` at the root does not
// install: only the part of its API the storage harness uses is declared here, so that type-checking needs no install.
export declare const RUNTIME_TOOLS: string
export declare function runtimeToolsInstalled(): boolean
export declare function ensureRuntimeTools(): boolean
export declare function runtimeToolPath(path: string): string
export declare function runtimeToolBin(name: string): string

/** A D1 database of a miniflare instance, as its binding sees it (the part the tests use). */
export interface MiniflareD1 {
  prepare(sql: string): { run(): Promise<unknown> }
}

/** A workerd instance started by miniflare. */
export interface Miniflare {
  /** Resolves to the worker's URL once workerd listens. */
  readonly ready: Promise<URL>
  /** The D1 database bound as `binding`. */
  getD1Database(binding: string): Promise<MiniflareD1>
  dispose(): Promise<void>
}
export interface MiniflareModule {
  /** `new Miniflare(options)`: the options are in miniflare's README (modules, script, durableObjects, ...). */
  Miniflare: new (
    options: Record<string, unknown>,
  ) => Miniflare
}
export declare function importMiniflare(): Promise<MiniflareModule>
