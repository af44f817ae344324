// src/internal/engine.ts, the one door between the OTP code and an HMAC engine: both engines (WebCrypto, and
// mfa-core/sync's syncEngine) prepare a secret and give the RFC codes; matchStep checks steps in the order given,
// stops at the first match, computes every step on a mismatch, and signs concurrently for an asynchronous signer.
// Also: the root functions take bytes or a root key only (no engine option, no sync keys), and createMFA takes
// syncEngine.
import { createMFA, decodeBase32, generateTOTP, isOTPError, verifyTOTP } from 'mfa-core'
import { importSecret as importSync, syncEngine } from 'mfa-core/sync'
import { rfc6238Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { type HMACSigner, matchStep, webCryptoEngine } from '../../src/internal/engine.js'
import { ascii } from '../support/env'

/** A signer that records the counters it was asked for and how many signatures were in flight at once. */
function recording(inner: HMACSigner) {
  const asked: number[] = []
  let inFlight = 0
  let maxInFlight = 0
  const signer: HMACSigner = {
    sign(message) {
      asked.push(new DataView(message.buffer).getUint32(4))
      const result = inner.sign(message)
      if (!(result instanceof Promise)) return result
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      return result.finally(() => inFlight--)
    },
  }
  return { signer, asked, maxInFlight: () => maxInFlight }
}

describe.each([
  ['webCryptoEngine', webCryptoEngine],
  ['syncEngine', syncEngine],
] as const)('%s', (_name, engine) => {
  it('gives the RFC 6238 Appendix B codes through matchStep', async () => {
    for (const v of rfc6238Vectors) {
      const signer = await engine.prepare(ascii(v.secret), v.algorithm)
      expect(await matchStep(signer, v.code, v.digits, [v.step + 1, v.step, v.step - 1])).toBe(v.step)
      expect(await matchStep(signer, v.code, v.digits, [v.step + 1, v.step - 1])).toBeNull()
    }
  })

  it('checks in the order given and stops at the first match; a mismatch computes every step', async () => {
    const v = rfc6238Vectors[3]!
    const { signer, asked } = recording(await engine.prepare(ascii(v.secret), v.algorithm))
    expect(await matchStep(signer, v.code, 8, [v.step, v.step - 1, v.step + 1])).toBe(v.step)
    expect(asked).toEqual([v.step])
    asked.length = 0
    expect(await matchStep(signer, v.code, 8, [v.step - 1, v.step + 1, v.step, v.step - 2])).toBe(v.step)
    expect(asked.length).toBeGreaterThanOrEqual(3)
    expect(asked.slice(0, 3)).toEqual([v.step - 1, v.step + 1, v.step])
    asked.length = 0
    expect(await matchStep(signer, '00000000', 8, [5, 4, 6, 3, 7])).toBeNull()
    expect(asked.sort()).toEqual([3, 4, 5, 6, 7])
  })

  it('refuses an unknown algorithm as the root functions do', async () => {
    await expect(async () => engine.prepare(ascii('x'), 'MD5' as never)).rejects.toSatisfy((e) =>
      isOTPError(e, 'ERR_INVALID_OPTION'),
    )
  })
})

describe('matchStep with an asynchronous signer', () => {
  it('signs the first step alone, then the others concurrently; the first match in order wins', async () => {
    const v = rfc6238Vectors[0]!
    const { signer, asked, maxInFlight } = recording(await webCryptoEngine.prepare(ascii(v.secret), v.algorithm))
    // the code of step 1 at the end: five steps are computed, four of them at once
    expect(await matchStep(signer, v.code, 8, [10, 11, 12, 13, 1])).toBe(1)
    expect(asked).toEqual([10, 11, 12, 13, 1])
    expect(maxInFlight()).toBe(4)
  })
})

describe('the root functions take bytes or a root OTPKey only', () => {
  it('refuse a key of mfa-core/sync with ERR_INVALID_SECRET, naming where it works', async () => {
    const key = importSync(ascii('12345678901234567890'))
    await expect(generateTOTP(key as never)).rejects.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_SECRET'))
    await expect(verifyTOTP(key as never, '123456')).rejects.toThrow(/mfa-core\/sync/)
  })

  it('have no engine option: passing one changes nothing (WebCrypto computes)', async () => {
    const v = rfc6238Vectors[0]!
    const broken = { prepare: () => ({ sign: () => new Uint8Array(20) }) }
    const options = { digits: 8, timestamp: v.time * 1000, engine: broken } as never
    expect(await generateTOTP(ascii(v.secret), options)).toBe(v.code)
  })
})

describe('syncEngine in createMFA', () => {
  it('enrolls and verifies with the same results as the default engine', async () => {
    let now = 1_800_000_000_000
    const mfa = createMFA({ issuer: 'Example', now: () => now, engine: syncEngine })
    const enrollment = await mfa.beginEnrollment('u1', { accountName: 'u1@example.com' })
    if (!enrollment.ok) throw new Error(`enrollment refused: ${enrollment.reason}`)
    const { secret } = enrollment
    const bytes = decodeBase32(secret)
    const code1 = await generateTOTP(bytes, { timestamp: now - 30_000 })
    const code2 = await generateTOTP(bytes, { timestamp: now })
    expect(await mfa.confirmEnrollment('u1', code1, code2)).toMatchObject({ ok: true })
    now += 30_000
    const login = await generateTOTP(bytes, { timestamp: now })
    // whitespace is ignored as in the core functions (a tab, a space, a newline from a form or a paste)
    expect(await mfa.verify('u1', `\t${login.slice(0, 3)} ${login.slice(3)}\n`)).toEqual({
      ok: true,
      method: 'totp',
      authenticatorId: enrollment.authenticatorId,
    })
    expect(await mfa.verify('u1', login)).toMatchObject({ ok: false, reason: 'replayed' })
    expect(await mfa.verify('u1', `${login.slice(0, 3)}-${login.slice(3)}`)).toMatchObject({ reason: 'malformed' })
    expect(() => createMFA({ issuer: 'Example', engine: {} as never })).toThrow(/engine/)
    expect(() => createMFA({ issuer: 'Example', engine: { importSecret: syncEngine.prepare } as never })).toThrow(
      /prepare/,
    )
  })
})
