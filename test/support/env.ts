// Settings shared by the portable suites (Node, dist, Chromium): no node:* imports here.
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
const fromBrowser = (import.meta as { env?: Record<string, string | undefined> }).env ?? {}

/** fast-check runs per property: small by default, bigger in CI (vitest.config sets FC_NUM_RUNS). */
export const numRuns = Number(env.FC_NUM_RUNS ?? fromBrowser.FC_NUM_RUNS ?? 200)

export const ascii = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
