// src/internal/engine.ts, the one door between the OTP code and an HMAC engine: both engines (WebCrypto, and
// mfa-core/sync's syncEngine) prepare a secret and give the RFC codes; matchStep checks steps in the order given,
// stops at the first match, computes every step on a mismatch, and signs concurrently for an asynchronous signer.
// Also: the root functions take bytes or a root key only (no engine option, no sync keys), and createMFA takes
// syncEngine.
import fc from 'fast-check'
import { createMFA, decodeBase32, generateTOTP, isOTPError, verifyTOTP } from 'mfa-core'
import { importSecret as importSync, syncEngine } from 'mfa-core/sync'
import { rfc6238Vectors } from 'mfa-core/testing'
import { describe, expect, it } from 'vitest'
import { findConsecutive, type HMACSigner, matchStep, webCryptoEngine } from '../../src/internal/engine.js'
import { resyncSteps } from '../../src/mfa/machine/index.js'
import { ascii, numRuns } from '../support/env'
import { RESYNC_SECRET, RESYNC_STEP, RESYNC_T, resyncAuth, resyncCode } from '../support/resync'

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

describe('syncEngine signs as WebCrypto does', () => {
  it('8-byte counters (two compressions, no padding built) and messages of any other length, every algorithm', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.constantFrom('SHA1', 'SHA256', 'SHA512'),
        fc.oneof(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 300 })),
        async (secret, algorithm, message) => {
          const copy = new Uint8Array(message)
          const sync = new Uint8Array(await (syncEngine.prepare(secret, algorithm) as HMACSigner).sign(copy))
          const web = new Uint8Array(await (await webCryptoEngine.prepare(secret, algorithm)).sign(copy))
          expect(sync).toEqual(web)
        },
      ),
      { numRuns },
    )
  })

  it('an 8-byte view into a larger buffer signs those 8 bytes only', async () => {
    const v = rfc6238Vectors[0]!
    const buffer = new Uint8Array(24).fill(0xff)
    new DataView(buffer.buffer).setUint32(12, v.step)
    buffer.fill(0, 8, 12)
    const signer = syncEngine.prepare(ascii(v.secret), v.algorithm) as HMACSigner
    const web = await webCryptoEngine.prepare(ascii(v.secret), v.algorithm)
    const counter = buffer.subarray(8, 16)
    expect(new Uint8Array(await signer.sign(counter))).toEqual(new Uint8Array(await web.sign(counter.slice())))
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

describe('findConsecutive: the step search behind a resync, over the steps resyncSteps lists', () => {
  const [T, t, SECRET, auth, code] = [RESYNC_T, RESYNC_STEP, RESYNC_SECRET, resyncAuth, resyncCode]
  const runs = { numRuns: Math.max(20, Math.floor(numRuns / 8)) }

  /** A signer that records which steps were computed. */
  async function counting(secret = SECRET) {
    const inner = await webCryptoEngine.prepare(secret, 'SHA1')
    const computed: number[] = []
    const signer: HMACSigner = {
      sign(message) {
        computed.push(new DataView(message.buffer).getUint32(4))
        return inner.sign(message)
      },
    }
    return { signer, computed }
  }

  it('finds the first step of two consecutive codes anywhere in the gate, both engines alike', async () => {
    const seconds = resyncSteps(auth(), T, 10)
    for (const offset of [0, -10, 10, 7, -3]) {
      const s = t + offset - 1
      const [c1, c2] = [await code(s), await code(s + 1)]
      const web = await webCryptoEngine.prepare(SECRET, 'SHA1')
      const sync: HMACSigner = await syncEngine.prepare(SECRET, 'SHA1')
      expect(await findConsecutive(web, c1, c2, 6, seconds)).toBe(s)
      expect(await findConsecutive(sync, c1, c2, 6, seconds)).toBe(s)
    }
  })

  it('refuses reversed, non-consecutive and out-of-window pairs', async () => {
    const seconds = resyncSteps(auth(), T, 10)
    const signer = await webCryptoEngine.prepare(SECRET, 'SHA1')
    expect(await findConsecutive(signer, await code(t + 1), await code(t), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t), await code(t + 2), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t + 10), await code(t + 11), 6, seconds)).toBeNull()
    expect(await findConsecutive(signer, await code(t - 12), await code(t - 11), 6, seconds)).toBeNull()
  })

  it('a miss computes every step of the gate once; a hit stops at its pair', async () => {
    const seconds = resyncSteps(auth(), T, 10)
    const miss = await counting()
    expect(await findConsecutive(miss.signer, '000000', '000001', 6, seconds)).toBeNull()
    expect([...miss.computed].sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => t - 11 + i))
    const hit = await counting()
    expect(await findConsecutive(hit.signer, await code(t - 1), await code(t), 6, seconds)).toBe(t - 1)
    expect(hit.computed).toEqual([t - 1, t])
  })

  it('property: the pair of any step in the gate is found, at that step', async () => {
    const signer = await webCryptoEngine.prepare(SECRET, 'SHA1')
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -30, max: 30 }),
        async (drift, window, offset) => {
          const seconds = resyncSteps(auth({ drift }), T, window)
          const second = t + offset
          const found = await findConsecutive(signer, await code(second - 1), await code(second), 6, seconds)
          if (seconds.includes(second)) expect(found).toBe(second - 1)
          // elsewhere only a coincidence of two 6-digit codes could match: never at the typed step
          else expect(found).not.toBe(second - 1)
        },
      ),
      runs,
    )
  })
})
