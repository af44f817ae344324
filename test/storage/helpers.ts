// Enrolls a user through the real service on a fake clock, for the multi-process and fault suites.
import { createMFA, decodeBase32, generateTOTP, type MFA, type MFAStore } from 'mfa-core'
import { expect } from 'vitest'

/** The start of a time step, so every offset below lands in a known step. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const STEP = 30_000

export interface Enrolled {
  mfa: MFA
  clock: { now: number }
  /** The TOTP code at a time (ms). */
  codeAt(timestamp: number): Promise<string>
  /** The first login: step s+2 after confirming with steps s and s+1. */
  loginAt: number
  loginCode: string
  /** A well-formed code that matches no step of the login window. */
  wrongCode: string
}

export async function enroll(store: MFAStore, userId: string, issuer = 'Storage Test'): Promise<Enrolled> {
  const clock = { now: T0 + 1000 }
  const mfa = createMFA({ store, issuer, now: () => clock.now })
  const begun = await mfa.beginEnrollment(userId, { accountName: `${userId}@example.com` })
  if (!begun.ok) throw new Error(`beginEnrollment refused: ${begun.reason}`)
  const { secret } = begun
  const key = decodeBase32(secret)
  const codeAt = (timestamp: number): Promise<string> => generateTOTP(key, { timestamp })
  const first = await codeAt(T0 + 1000)
  clock.now = T0 + STEP + 1000
  const second = await codeAt(clock.now)
  const confirmed = await mfa.confirmEnrollment(userId, first, second)
  expect(confirmed.ok).toBe(true)
  const loginAt = T0 + 2 * STEP + 1000
  clock.now = loginAt
  const window = new Set(await Promise.all([-2, -1, 0, 1, 2].map((k) => codeAt(loginAt + k * STEP))))
  let wrongCode = ''
  for (let hour = 1; wrongCode === '' || window.has(wrongCode); hour++)
    wrongCode = await codeAt(loginAt + hour * 3_600_000)
  return { mfa, clock, codeAt, loginAt, loginCode: await codeAt(loginAt), wrongCode }
}

/**
 * The stored record's first authenticator with the user's failure count and lock, parsed (the record format is
 * documented in docs/storage.md), or null when the user has none.
 */
export async function activeOf(store: MFAStore, userId: string, keyPrefix = 'mfa:') {
  const entry = await store.get(keyPrefix + userId)
  const record =
    entry &&
    (JSON.parse(entry.data) as { failures: number; lockedUntil: number; authenticators: Record<string, unknown>[] })
  const first = record?.authenticators[0]
  return first ? { ...first, failures: record.failures, lockedUntil: record.lockedUntil } : null
}

/**
 * A barrier after the first read of a round, for app servers racing on one record: armed for `size` servers, each
 * one's first `get` waits until every one has read, so all of them hold the same version and their requests overlap
 * on every backend (a synchronous SQLite driver would otherwise let them run one after another; a barrier before the
 * read let a slow reader see the winner's write). The store itself still decides which compare-and-set wins.
 * `racing(store, server)` wraps a connection's store with it, counting the writes that lost and those that committed
 * (the server and the version each replaced, in the store's order).
 */
export function raceBarrier() {
  let barrier: { waiting: (() => void)[]; open: boolean; size: number } = { waiting: [], open: true, size: 0 }
  const tally = { lost: 0, commits: [] as { server: number; replaced: number | null }[] }
  return {
    tally,
    arm(size: number) {
      barrier = { waiting: [], open: false, size }
    },
    racing(store: MFAStore, server = 0): MFAStore {
      return {
        get: async (key) => {
          const b = barrier
          const entry = await store.get(key)
          if (!b.open) {
            await new Promise<void>((release) => {
              b.waiting.push(release)
              if (b.waiting.length === b.size) {
                b.open = true
                for (const r of b.waiting) r()
              }
            })
          }
          return entry
        },
        delete: (key, version) => store.delete(key, version),
        set: async (key, data, version, options) => {
          const won = await store.set(key, data, version, options)
          if (won) tally.commits.push({ server, replaced: version })
          else tally.lost++
          return won
        },
      }
    },
  }
}
