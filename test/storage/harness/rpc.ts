// A small RPC over HTTP between the storage suites (Node) and a store adapter that lives in another runtime: a
// Durable Object in workerd, or Deno processes on one KV file. The remote side runs the adapter (and the MFA
// service, for the races); the Node side gets an MFAStore proxy, so the shared helpers (enroll, conformance,
// faults) run unchanged. Web-standard code only: it is bundled for workerd and Deno as well.
import { createMFA, isOTPError, type MFAStore } from 'mfa-core'
import { countingStore } from './counting-store.js'

/** Arguments keep their JavaScript type across JSON (NaN, Infinity, undefined, '1' vs 1), for the misuse tests. */
type Encoded = { u: 1 } | { z: 1 } | { n: string } | { s: string } | { b: boolean } | { o: string }

const encode = (value: unknown): Encoded => {
  if (value === undefined) return { u: 1 }
  if (value === null) return { z: 1 }
  if (typeof value === 'number') return { n: String(value) }
  if (typeof value === 'string') return { s: value }
  if (typeof value === 'boolean') return { b: value }
  return { o: JSON.stringify(value) }
}

const decode = (value: Encoded): unknown => {
  if ('u' in value) return undefined
  if ('z' in value) return null
  if ('n' in value) return Number(value.n)
  if ('s' in value) return value.s
  if ('b' in value) return value.b
  return JSON.parse(value.o)
}

export type Request =
  | { op: 'get' | 'set' | 'delete'; args: Encoded[] }
  | { op: 'purge' }
  | { op: 'verify'; userId: string; code: string; now: number }

export type Reply =
  | { value: Encoded }
  | { error: string; code?: string }
  | { verified: { ok: boolean; reason?: string } | { error: string }; conflicts: number }

/** The remote side: runs one request against the adapter. */
export async function handle(store: MFAStore & { purgeExpired?(): Promise<number> }, request: Request): Promise<Reply> {
  try {
    if (request.op === 'verify') {
      const counting = countingStore(store)
      const mfa = createMFA({ store: counting.store, issuer: 'Race Test', now: () => request.now })
      try {
        const result = await mfa.verify(request.userId, request.code)
        const verified = result.ok ? { ok: true } : { ok: false, reason: result.reason }
        return { verified, conflicts: counting.lost }
      } catch (error) {
        return { verified: { error: isOTPError(error) ? error.code : String(error) }, conflicts: counting.lost }
      }
    }
    if (request.op === 'purge') return { value: encode(await store.purgeExpired?.()) }
    const args = request.args.map(decode) as [never, never, never, never]
    return { value: encode(await store[request.op](...args)) }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), code: isOTPError(error) ? error.code : '' }
  }
}

/** Sends one request and reads its reply (throws when the remote side is unreachable). */
export type Post = (request: Request) => Promise<Reply>

/** The Node side: an MFAStore whose every call is one request. Errors of the remote store are thrown again. */
export function remoteStore(post: Post): MFAStore & { purgeExpired(): Promise<number> } {
  const call = async (request: Request): Promise<unknown> => {
    const reply = await post(request)
    if ('error' in reply) throw new Error(`remote store: ${reply.code ? `${reply.code} ` : ''}${reply.error}`)
    if (!('value' in reply)) throw new Error('remote store: unexpected reply')
    return decode(reply.value)
  }
  return {
    get: (...args) => call({ op: 'get', args: args.map(encode) }) as ReturnType<MFAStore['get']>,
    set: (...args) => call({ op: 'set', args: args.map(encode) }) as Promise<boolean>,
    delete: (...args) => call({ op: 'delete', args: args.map(encode) }) as Promise<boolean>,
    purgeExpired: () => call({ op: 'purge' }) as Promise<number>,
  }
}

/** Runs `mfa.verify` on the remote side; a transport failure counts as an error too. */
export async function remoteVerify(post: Post, userId: string, code: string, now: number) {
  try {
    const reply = await post({ op: 'verify', userId, code, now })
    if (!('verified' in reply)) return { verified: { error: 'bad reply' }, conflicts: 0 }
    return reply
  } catch (error) {
    return { verified: { error: `transport: ${String(error)}` }, conflicts: 0 }
  }
}

/** A Post over fetch to a URL, with a timeout so a stopped server fails the call instead of hanging it. */
export function fetchPost(url: () => string, timeoutMs = 5000, dispatch: typeof fetch = fetch): Post {
  return async (request) => {
    const response = await dispatch(url(), {
      method: 'POST',
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) throw new Error(`remote store answered HTTP ${response.status}`)
    return (await response.json()) as Reply
  }
}
