import { generateTOTP, importSecret, isOTPError, verifyTOTP } from 'mfa-core'
import { verifyTOTP as syncVerifyTOTP } from 'mfa-core/sync'
import { describe, expect, it } from 'vitest'
import { ascii } from './support/env'

const SECRET = ascii('12345678901234567890')
const T = 1_111_111_111_000 // ms: step 37037037 (RFC 6238 App. B), 11 s into it
const STEP = 37037037

const codeAt = (step: number, options = {}) => generateTOTP(SECRET, { timestamp: step * 30_000, ...options })

describe('verifyTOTP', () => {
  it('accepts the current step and the window around it, with the delta', async () => {
    for (const delta of [-1, 0, 1]) {
      const code = await codeAt(STEP + delta)
      expect(await verifyTOTP(SECRET, code, { timestamp: T })).toEqual({ valid: true, step: STEP + delta, delta })
    }
  })

  it('refuses steps outside the window', async () => {
    for (const delta of [-3, -2, 2, 3]) {
      const result = await verifyTOTP(SECRET, await codeAt(STEP + delta), { timestamp: T })
      expect(result).toEqual({ valid: false, reason: 'mismatch' })
    }
  })

  it('takes an asymmetric window and window 0', async () => {
    const older = await codeAt(STEP - 2)
    expect(await verifyTOTP(SECRET, older, { timestamp: T, window: { past: 2, future: 0 } })).toMatchObject({
      valid: true,
      delta: -2,
    })
    expect((await verifyTOTP(SECRET, await codeAt(STEP + 1), { timestamp: T, window: 0 })).valid).toBe(false)
    expect((await verifyTOTP(SECRET, await codeAt(STEP + 1), { timestamp: T, window: { past: 1 } })).valid).toBe(false)
  })

  it('reports a step at or before afterStep as replayed, a newer one as valid', async () => {
    const current = await codeAt(STEP)
    expect(await verifyTOTP(SECRET, current, { timestamp: T, afterStep: STEP })).toEqual({
      valid: false,
      reason: 'replayed',
    })
    expect(await verifyTOTP(SECRET, await codeAt(STEP - 1), { timestamp: T, afterStep: STEP - 1 })).toEqual({
      valid: false,
      reason: 'replayed',
    })
    expect(await verifyTOTP(SECRET, current, { timestamp: T, afterStep: STEP - 1 })).toMatchObject({ valid: true })
    // A wrong code is a mismatch, not a replay, whatever afterStep says.
    expect(await verifyTOTP(SECRET, '000000', { timestamp: T, afterStep: STEP + 5 })).toMatchObject({
      reason: current === '000000' ? 'replayed' : 'mismatch',
    })
  })

  it('ignores spaces and calls anything else non-numeric malformed, never throwing', async () => {
    const code = await codeAt(STEP)
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`
    expect((await verifyTOTP(SECRET, spaced, { timestamp: T })).valid).toBe(true)
    expect((await verifyTOTP(SECRET, ` ${code} `, { timestamp: T })).valid).toBe(true)
    for (const bad of [
      '',
      '12345',
      '1234567',
      'abcdef',
      '12345a',
      '１２３４５６',
      '-12345',
      '12.345',
      '٣٤٥٦٧٨',
      null,
      123456,
    ]) {
      expect(await verifyTOTP(SECRET, bad as string, { timestamp: T })).toEqual({ valid: false, reason: 'malformed' })
    }
    expect(await verifyTOTP(SECRET, '1'.repeat(1_000_000), { timestamp: T })).toEqual({
      valid: false,
      reason: 'malformed',
    })
  })

  it('honours period, epoch, digits and algorithm', async () => {
    const options = { period: 60, epoch: 1_000, digits: 8, algorithm: 'SHA256' as const }
    const code = await generateTOTP(SECRET, { ...options, timestamp: T })
    expect(code).toMatch(/^\d{8}$/)
    expect(await verifyTOTP(SECRET, code, { ...options, timestamp: T })).toMatchObject({
      valid: true,
      step: Math.floor((T / 1000 - 1000) / 60),
    })
    expect((await verifyTOTP(SECRET, code, { timestamp: T, digits: 8 })).valid).toBe(false)
  })

  it('caps the window so it cannot become a brute-force oracle', async () => {
    await expect(verifyTOTP(SECRET, '123456', { window: 11 })).rejects.toThrow(/window/)
    await expect(verifyTOTP(SECRET, '123456', { window: { past: 0, future: 100 } })).rejects.toThrow(/window.future/)
    await expect(verifyTOTP(SECRET, '123456', { window: -1 })).rejects.toThrow(/window/)
  })

  it('does not compute steps before 0', async () => {
    const code = await generateTOTP(SECRET, { timestamp: 0 })
    expect(await verifyTOTP(SECRET, code, { timestamp: 10_000 })).toEqual({ valid: true, step: 0, delta: 0 })
  })

  it('works with a prepared key and refuses an algorithm that differs from the key', async () => {
    const key = await importSecret(SECRET, 'SHA512')
    const code = await generateTOTP(key, { timestamp: T })
    expect(code).toBe(await generateTOTP(SECRET, { timestamp: T, algorithm: 'SHA512' }))
    expect((await verifyTOTP(key, code, { timestamp: T })).valid).toBe(true)
    await expect(generateTOTP(key, { algorithm: 'SHA1' })).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION'))
  })

  it('refuses a timestamp before epoch', async () => {
    await expect(generateTOTP(SECRET, { timestamp: 5_000, epoch: 10 })).rejects.toThrow(/after epoch/)
    // A step beyond 2^53 could not be computed exactly: refused rather than rounded.
    const farPast = -Number.MAX_SAFE_INTEGER
    const timestamp = Number.MAX_SAFE_INTEGER
    await expect(generateTOTP(SECRET, { timestamp, epoch: farPast, period: 1 })).rejects.toThrow(/2\^53/)
  })

  it('ignores whitespace around and inside the code (root and mfa-core/sync alike); other characters are malformed', async () => {
    const code = await codeAt(STEP)
    const spaced = `\t${code.slice(0, 3)} \n${code.slice(3)}\r\n`
    expect(await verifyTOTP(SECRET, spaced, { timestamp: T })).toMatchObject({ valid: true, step: STEP })
    expect(syncVerifyTOTP(SECRET, spaced, { timestamp: T })).toMatchObject({ valid: true, step: STEP })
    const dashed = `${code.slice(0, 3)}-${code.slice(3)}`
    expect(await verifyTOTP(SECRET, dashed, { timestamp: T })).toEqual({ valid: false, reason: 'malformed' })
    expect(syncVerifyTOTP(SECRET, dashed, { timestamp: T })).toEqual({ valid: false, reason: 'malformed' })
  })
})
