// Shared helpers of the MFA service tests: an injected clock, an authenticator app, and an event recorder that
// checks no event ever carries a secret, a code or a recovery code.

import {
  type BeginEnrollmentResult,
  createMFA,
  decodeBase32,
  generateTOTP,
  type MFAEvent,
  type MFAOptions,
} from 'mfa-core'
import { expect } from 'vitest'

/** 2026-11-28T12:00:05Z: 5 s into a 30 s step. */
export const T0 = Date.UTC(2026, 10, 28, 12, 0, 5)
export const STEP_MS = 30_000

export function fakeClock(start = T0) {
  let t = start
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms
    },
    advance: (ms: number) => {
      t += ms
    },
    get t() {
      return t
    },
  }
}

/** The code an authenticator app shows for `secret` (base32) at `ms`, optionally `steps` away. */
export function codeAt(secret: string, ms: number, steps = 0): Promise<string> {
  return generateTOTP(decodeBase32(secret), { timestamp: ms + steps * STEP_MS })
}

/** Everything that must never appear in an event. */
export interface Secrets {
  secrets: Set<string>
  codes: Set<string>
  recovery: Set<string>
}

export function harness(options: Partial<MFAOptions> = {}) {
  const clock = fakeClock()
  const events: MFAEvent[] = []
  const sensitive: Secrets = { secrets: new Set(), codes: new Set(), recovery: new Set() }
  const mfa = createMFA({
    issuer: 'Example Cloud',
    now: clock.now,
    onEvent: (e) => {
      events.push(e)
    },
    ...options,
  })
  const typed = (code: string) => {
    sensitive.codes.add(code)
    return code
  }
  return { mfa, clock, events, sensitive, typed }
}

export type Harness = ReturnType<typeof harness>

/**
 * Begins and confirms an enrollment the way a user does: the code of step s, a step later the code of step s+1.
 * The secret, both codes and the recovery codes go on the list the event checker looks for.
 */
export async function enable(h: Harness, userId = 'alice') {
  const enrollment = await started(h.mfa.beginEnrollment(userId, { accountName: `${userId}@example.com` }))
  h.sensitive.secrets.add(enrollment.secret)
  const code1 = h.typed(await codeAt(enrollment.secret, h.clock.t))
  h.clock.advance(STEP_MS)
  const code2 = h.typed(await codeAt(enrollment.secret, h.clock.t))
  const result = await h.mfa.confirmEnrollment(userId, code1, code2)
  if (!result.ok) throw new Error(`enable failed: ${result.reason}`)
  for (const c of result.recoveryCodes) h.sensitive.recovery.add(c)
  return { secret: enrollment.secret, recoveryCodes: result.recoveryCodes, code2, id: result.authenticatorId }
}

/** Fails when an event contains a secret (base32, hex), a typed code, or a recovery code (any spelling). */
export function expectCleanEvents(events: readonly MFAEvent[], s: Secrets): void {
  expect(events.length).toBeGreaterThan(0)
  const texts: string[] = []
  const numbers: number[] = []
  const walk = (v: unknown) => {
    if (typeof v === 'string') texts.push(v)
    else if (typeof v === 'number') numbers.push(v)
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        walk(k)
        walk(x)
      }
    }
  }
  walk(events)
  const haystack = texts.join('\n').toLowerCase()
  // whether or not a test registered it, no event text carries a run of 6 or more digits (what codes look like)
  expect(haystack).not.toMatch(/\d{6}/)
  const compact = haystack.replace(/[ -]/g, '')
  for (const secret of s.secrets) {
    expect(haystack).not.toContain(secret.toLowerCase())
    const hex = Array.from(decodeBase32(secret), (b) => b.toString(16).padStart(2, '0')).join('')
    expect(compact).not.toContain(hex)
  }
  for (const code of s.codes) {
    expect(compact).not.toContain(code.replace(/\s/g, ''))
    expect(numbers).not.toContain(Number(code))
  }
  for (const code of s.recovery) {
    expect(compact).not.toContain(code.replace(/-/g, ''))
  }
}

/** The successful result of beginEnrollment, or a failed test. */
export async function started(
  result: BeginEnrollmentResult | Promise<BeginEnrollmentResult>,
): Promise<Extract<BeginEnrollmentResult, { ok: true }>> {
  const r = await result
  if (!r.ok) throw new Error(`beginEnrollment refused: ${r.reason}`)
  return r
}

/** A new recovery code's shape: four groups of four Crockford base32 characters. */
export const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/
