// Enrolls a user through the real service on a fake clock, for the multi-process and fault suites.
import { createMFA, decodeBase32, generateTOTP, type MFA, type MFAStore } from 'mfa-core'
import { expect } from 'vitest'

/** The proof key of every app server of the races (and of the test process that sends the codes they check). */
export const RACE_PROOF_KEY = new Uint8Array(32).fill(5)

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
