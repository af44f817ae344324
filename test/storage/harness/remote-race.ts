// The races of race.test.ts for adapters that live in another runtime (a Durable Object in workerd, Deno
// processes on one KV file): mfa.verify runs there, fired by many concurrent requests from here. Users are
// enrolled through the shared helper (helpers.ts), over the RPC proxy store.
import { type MFAStore, memoryStore } from 'mfa-core'
import { expect, test } from 'vitest'
import { activeOf, enroll } from '../helpers.js'
import type { remoteVerify } from './rpc.js'

export interface RemoteTarget {
  /** The proxy store (enrollment and inspection go through it). */
  store: MFAStore
  /** Verifiers: one per process/isolate; requests are spread over them round-robin. */
  verifiers: Verifier[]
  /** The verifiers of the exact failure count (default `verifiers`). */
  countVerifiers?: Verifier[]
}

type Verifier = (userId: string, code: string, now: number) => ReturnType<typeof remoteVerify>

async function sequentialReference(n: number) {
  const store = memoryStore()
  const user = await enroll(store, 'reference')
  for (let i = 0; i < n; i++) await user.mfa.verify('reference', user.wrongCode)
  return activeOf(store, 'reference')
}

/** Registers the valid-code race and the wrong-code count for a remote target. */
export function registerRemoteRaces(name: string, target: () => RemoteTarget, requests: number, clients: number) {
  test(`${name}: ${requests} concurrent verify of one valid code, exactly one is accepted`, async () => {
    const { store, verifiers } = target()
    const userId = `remote-race-${Date.now()}`
    const user = await enroll(store, userId)
    const replies = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        verifiers[i % verifiers.length]!(userId, user.loginCode, user.loginAt),
      ),
    )
    const accepted = replies.filter((r) => 'ok' in r.verified && r.verified.ok).length
    const reasons = new Set(replies.flatMap((r) => ('reason' in r.verified ? [r.verified.reason] : [])))
    const errors = replies.flatMap((r) => ('error' in r.verified ? [r.verified.error] : []))
    expect(accepted).toBe(1)
    expect(errors.filter((code) => code !== 'ERR_STORAGE')).toEqual([])
    expect([...reasons].filter((r) => r !== 'replayed' && r !== 'locked')).toEqual([])
    expect((await user.mfa.verify(userId, user.loginCode)).ok).toBe(false)
    // Lost compare-and-sets: how often the requests really overlapped (reported, since a runtime may serialise).
    const conflicts = replies.reduce((sum, r) => sum + r.conflicts, 0)
    console.info(`${name}: ${requests} requests, ${conflicts} lost compare-and-sets`)
  })

  test(`${name}: ${clients} wrong codes from ${clients} clients count exactly as ${clients} sequential ones`, async () => {
    const { store, verifiers: all, countVerifiers } = target()
    const verifiers = countVerifiers ?? all
    const userId = `remote-failures-${Date.now()}`
    const user = await enroll(store, userId)
    const replies = await Promise.all(
      Array.from({ length: clients }, (_, i) => verifiers[i % verifiers.length]!(userId, user.wrongCode, user.loginAt)),
    )
    expect(replies.flatMap((r) => ('error' in r.verified ? [r.verified.error] : []))).toEqual([])
    const reference = await sequentialReference(clients)
    const active = await activeOf(store, userId)
    expect({ failures: active?.failures, lockedUntil: active?.lockedUntil }).toEqual({
      failures: reference?.failures,
      lockedUntil: reference?.lockedUntil,
    })
    await user.mfa.verify(userId, user.wrongCode)
    expect(await user.mfa.verify(userId, user.loginCode)).toMatchObject({ ok: false, reason: 'locked' })
  })
}
