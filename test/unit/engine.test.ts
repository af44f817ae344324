// The `engine` option: the root functions and createMFA computing HMACs with mfa-core/sync's engine instead of
// WebCrypto, with identical results.
import { createMFA, generateHOTP, generateTOTP, isOTPError, verifyHOTP, verifyTOTP } from 'mfa-core'
import { importSecret as importSync, syncEngine } from 'mfa-core/sync'
import { describe, expect, it } from 'vitest'
import { ascii } from '../support/env'

const SEEDS = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
} as const

describe('engine: syncEngine in the root functions', () => {
  it('gives the RFC 6238 Appendix B codes', async () => {
    const table: [number, string, keyof typeof SEEDS][] = [
      [59, '94287082', 'SHA1'],
      [59, '46119246', 'SHA256'],
      [59, '90693936', 'SHA512'],
      [20000000000, '65353130', 'SHA1'],
      [20000000000, '77737706', 'SHA256'],
      [20000000000, '47863826', 'SHA512'],
    ]
    for (const [seconds, code, algorithm] of table) {
      const options = { algorithm, digits: 8, timestamp: seconds * 1000, engine: syncEngine }
      expect(await generateTOTP(SEEDS[algorithm], options)).toBe(code)
      expect(await verifyTOTP(SEEDS[algorithm], code, options)).toMatchObject({ valid: true, delta: 0 })
    }
    expect(await generateHOTP(SEEDS.SHA1, 1, { engine: syncEngine })).toBe('287082')
    expect(await verifyHOTP(SEEDS.SHA1, '287082', 0, { lookAhead: 2, engine: syncEngine })).toEqual({
      valid: true,
      counter: 1n,
      delta: 1,
    })
  })

  it('accepts a key prepared by mfa-core/sync as it is, and refuses it once destroyed', async () => {
    const key = importSync(SEEDS.SHA256, 'SHA256')
    expect(await generateTOTP(key, { digits: 8, timestamp: 59_000 })).toBe('46119246')
    await expect(generateTOTP(key, { algorithm: 'SHA1' })).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION'))
    key.destroy()
    await expect(generateTOTP(key)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_KEY_DESTROYED'))
  })

  it('an engine that returns something else is refused like any bad secret', async () => {
    const broken = { importSecret: () => ({}) }
    await expect(generateTOTP(SEEDS.SHA1, { engine: broken })).rejects.toSatisfy((e) =>
      isOTPError(e, 'ERR_INVALID_SECRET'),
    )
  })

  it('engine: undefined means WebCrypto (the explicit fallback idiom)', async () => {
    const engine = globalThis.crypto?.subtle ? undefined : syncEngine
    expect(await generateTOTP(SEEDS.SHA1, { digits: 8, timestamp: 59_000, engine })).toBe('94287082')
  })
})

// createMFA takes an HMACEngine (`prepare`, src/internal/engine.ts). syncEngine implements it on the branch that
// reworks mfa-core/sync; until then its prepared key's registry slot (Symbol.for, the same HMACs) bridges it.
const serviceEngine: Parameters<typeof createMFA>[0]['engine'] =
  'prepare' in syncEngine
    ? (syncEngine as never)
    : {
        prepare: (secret, algorithm) =>
          (syncEngine.importSecret(secret, algorithm) as unknown as Record<symbol, never>)[
            Symbol.for('mfa-core.OTPKey')
          ] as never,
      }

describe('engine: syncEngine in createMFA', () => {
  it('enrolls and verifies with the same results as the default engine', async () => {
    let now = 1_800_000_000_000
    const mfa = createMFA({ issuer: 'Example', now: () => now, engine: serviceEngine })
    const begun = await mfa.beginEnrollment('u1', { accountName: 'u1@example.com' })
    if (!begun.ok) throw new Error(begun.reason)
    const { secret } = begun
    const { decodeBase32 } = await import('mfa-core')
    const bytes = decodeBase32(secret)
    const code1 = await generateTOTP(bytes, { timestamp: now - 30_000 })
    const code2 = await generateTOTP(bytes, { timestamp: now })
    expect(await mfa.confirmEnrollment('u1', code1, code2)).toMatchObject({ ok: true })
    now += 30_000
    const login = await generateTOTP(bytes, { timestamp: now })
    expect(await mfa.verify('u1', login)).toEqual({ ok: true, method: 'totp', authenticatorId: begun.authenticatorId })
    expect(await mfa.verify('u1', login)).toMatchObject({ ok: false, reason: 'replayed' })
    expect(() => createMFA({ issuer: 'Example', engine: {} as never })).toThrow(/engine/)
  })
})
