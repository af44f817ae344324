// The short enrollment story, portable: runs against src/, the built dist/ and in Chromium.
import { createMFA, decodeBase32, generateTOTP, type MFAEvent } from 'mfa-core'
import { describe, expect, it } from 'vitest'

describe('createMFA enrollment', () => {
  it('enables with two consecutive codes, refuses the consumed step, logs in with the next one', async () => {
    let t = Date.UTC(2026, 10, 28, 9, 0, 10)
    const events: MFAEvent[] = []
    const mfa = createMFA({ issuer: 'Example Cloud', now: () => t, onEvent: (e) => void events.push(e) })
    const begun = await mfa.beginEnrollment('u1', { accountName: 'u1@example.com' })
    if (!begun.ok) throw new Error(begun.reason)
    const { secret, uri } = begun
    expect(uri.startsWith('otpauth://totp/')).toBe(true)
    const key = decodeBase32(secret)
    const code1 = await generateTOTP(key, { timestamp: t })
    t += 30_000
    const code2 = await generateTOTP(key, { timestamp: t })
    expect(await mfa.confirmEnrollment('u1', code2, code1)).toEqual({ ok: false, reason: 'reversed' })
    const confirmed = await mfa.confirmEnrollment('u1', code1, code2)
    expect(confirmed.ok && confirmed.recoveryCodes.length).toBe(10)
    expect(await mfa.verify('u1', code2)).toEqual({ ok: false, reason: 'replayed' })
    t += 30_000
    const code3 = await generateTOTP(key, { timestamp: t })
    expect(await mfa.verify('u1', code3)).toEqual({ ok: true, method: 'totp', authenticatorId: begun.authenticatorId })
    expect((await mfa.status('u1')).state).toBe('active')
    // numbers (times) are blanked so a code cannot match inside a timestamp by chance
    const serialized = JSON.stringify(events, (_, v) => (typeof v === 'number' ? 0 : v))
    for (const c of [secret, code1, code2, code3]) expect(serialized).not.toContain(c)
    expect(events.map((e) => e.type)).toEqual([
      'enrollment_started',
      'failed',
      'enrolled',
      'replay_rejected',
      'verified',
    ])
  })
})
