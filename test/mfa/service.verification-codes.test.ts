// Verification codes through the service: sending through `sendCode`, checking once, the code's attempts and the
// user's one failure budget, expiry, resend limits, a delivery that fails, the identity proof of a first enrollment
// and where such a proof never counts; then properties: a code of one purpose or destination never opens another, a
// voided code never opens.
import fc from 'fast-check'
import { type MFAOptions, memoryStore, type VerificationCodeMessage } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from '../support/env'
import { codeAt, enable, expectCleanEvents, harness, STEP_MS, started } from './helpers'

const MIN = 60_000
const KEY = new Uint8Array(32).fill(9)

/** A service with keys and a mailbox that keeps every message `sendCode` got. */
function codes(options: Partial<MFAOptions> = {}) {
  const inbox: VerificationCodeMessage[] = []
  const h = harness({
    encryptionKeys: { current: 'k1', keys: { k1: KEY } },
    proofKey: new Uint8Array(32).fill(3),
    sendCode: (m: VerificationCodeMessage) => {
      inbox.push(m)
    },
    ...options,
  })
  const last = () => {
    const m = inbox.at(-1)
    if (!m) throw new Error('nothing was sent')
    h.sensitive.codes.add(m.code)
    return m.code
  }
  const send = (userId = 'alice', purpose = 'enroll', destination = 'alice@example.com') =>
    h.mfa.sendVerificationCode(userId, { channel: 'email', destination, purpose })
  return { ...h, inbox, last, send }
}

/** A 6-digit code other than `code`. */
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('sendVerificationCode and checkVerificationCode', () => {
  it('sends a code through sendCode and accepts it once', async () => {
    const h = codes()
    const sent = await h.send()
    expect(sent).toEqual({ ok: true, expiresAt: h.clock.t + 10 * MIN, resendAfterMs: MIN })
    expect(h.inbox).toEqual([
      {
        userId: 'alice',
        channel: 'email',
        destination: 'alice@example.com',
        code: expect.stringMatching(/^\d{6}$/),
        purpose: 'enroll',
        expiresAt: h.clock.t + 10 * MIN,
      },
    ])
    const code = h.last()
    expect(await h.mfa.checkVerificationCode('alice', code, { purpose: 'enroll' })).toEqual({
      ok: true,
      channel: 'email',
    })
    expect(await h.mfa.checkVerificationCode('alice', code, { purpose: 'enroll' })).toEqual({
      ok: false,
      reason: 'no_code',
    })
    expect(h.events.map((e) => [e.type, e.operation, e.method, e.purpose, e.destination])).toEqual([
      ['code_sent', 'send_code', 'email', 'enroll', 'a•••@example.com'],
      ['code_verified', 'check_code', 'email', 'enroll', 'a•••@example.com'],
      ['failed', 'check_code', undefined, undefined, undefined],
    ])
    expectCleanEvents(h.events, h.sensitive)
    expect(JSON.stringify(h.events)).not.toContain('alice@example.com')
  })

  it('SMS: an E.164 number, masked to its last four digits', async () => {
    const h = codes()
    await h.mfa.sendVerificationCode('bob', { channel: 'sms', destination: '+447700900123', purpose: 'login_help' })
    expect(h.events[0]).toMatchObject({ type: 'code_sent', method: 'sms', destination: '•••• 0123' })
    expect(
      await h.mfa.checkVerificationCode('bob', ` ${h.last().slice(0, 3)} ${h.last().slice(3)} `, {
        purpose: 'login_help',
      }),
    ).toEqual({
      ok: true,
      channel: 'sms',
    })
  })

  it('never stores the code or the destination in clear', async () => {
    const store = memoryStore()
    const h = codes({ store })
    await h.send()
    const entry = await store.get('mfa:alice')
    expect(entry?.data).not.toContain(h.last())
    expect(entry?.data).not.toContain('alice@example.com')
    expect(JSON.parse(entry?.data ?? '{}').schema).toBe(3)
  })

  it('wrong codes: counted against the code (void after 3) and against the user’s budget', async () => {
    const h = codes()
    await h.send()
    const code = h.last()
    const check = (c: string) => h.mfa.checkVerificationCode('alice', c, { purpose: 'enroll' })
    expect(await check(other(code))).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 2 })
    expect(await check('12 34')).toEqual({ ok: false, reason: 'malformed' })
    expect(await check(other(code))).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 1 })
    expect(await check(other(code))).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 0 })
    // void: even the right code no longer opens
    expect(await check(code)).toEqual({ ok: false, reason: 'no_code' })
  })

  it('one failure budget: wrong email codes and wrong authenticator codes lock together', async () => {
    const h = codes()
    const { secret } = await enable(h)
    h.clock.advance(2 * MIN)
    await h.send('alice', 'change_email')
    const code = h.last()
    for (let i = 0; i < 2; i++) await h.mfa.checkVerificationCode('alice', other(code), { purpose: 'change_email' })
    const right = await codeAt(secret, h.clock.t)
    for (let i = 0; i < 3; i++) await h.mfa.verify('alice', other(right))
    expect(await h.mfa.verify('alice', right)).toMatchObject({ ok: false, reason: 'locked' })
    expect(await h.mfa.checkVerificationCode('alice', code, { purpose: 'change_email' })).toMatchObject({
      ok: false,
      reason: 'locked',
    })
    expect(await h.send('alice', 'change_email')).toMatchObject({ ok: false, reason: 'locked' })
  })

  it('a right email code does not clear the failures of a user with an authenticator', async () => {
    const h = codes()
    const { secret } = await enable(h)
    h.clock.advance(2 * MIN)
    const right = await codeAt(secret, h.clock.t)
    for (let i = 0; i < 4; i++) await h.mfa.verify('alice', other(right))
    await h.send('alice', 'change_email')
    expect((await h.mfa.checkVerificationCode('alice', h.last(), { purpose: 'change_email' })).ok).toBe(true)
    // the fifth wrong TOTP code still locks
    expect(await h.mfa.verify('alice', other(right))).toMatchObject({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 30_000,
    })
  })

  it('expired after 10 minutes, and removed', async () => {
    const h = codes()
    await h.send()
    h.clock.advance(10 * MIN)
    const check = () => h.mfa.checkVerificationCode('alice', h.last(), { purpose: 'enroll' })
    expect(await check()).toEqual({ ok: false, reason: 'expired' })
    expect(await check()).toEqual({ ok: false, reason: 'no_code' })
  })

  it('resend: too soon within the cooldown, limited per hour, a new code voids the old one', async () => {
    const h = codes()
    await h.send()
    const first = h.last()
    expect(await h.send()).toEqual({ ok: false, reason: 'too_soon', retryAfterMs: MIN })
    h.clock.advance(MIN)
    expect(await h.send()).toMatchObject({ ok: true })
    const second = h.last()
    if (first !== second) {
      expect(await h.mfa.checkVerificationCode('alice', first, { purpose: 'enroll' })).toMatchObject({
        ok: false,
        reason: 'invalid',
      })
    }
    for (let i = 0; i < 3; i++) {
      h.clock.advance(MIN)
      expect((await h.send()).ok).toBe(true)
    }
    h.clock.advance(MIN)
    // five in the hour: the next one when the first is an hour old
    expect(await h.send()).toEqual({ ok: false, reason: 'limit_reached', retryAfterMs: 55 * MIN })
    expect(h.inbox).toHaveLength(5)
  })

  it('a delivery that throws: the error reaches the caller and that code never opens', async () => {
    let fail = true
    const sent: string[] = []
    const h = codes({
      sendCode: (m: VerificationCodeMessage) => {
        sent.push(m.code)
        if (fail) throw new Error('SMTP 421 try again later')
      },
    })
    await expect(h.send()).rejects.toThrow('SMTP 421 try again later')
    const lost = sent[0] as string
    expect(await h.mfa.checkVerificationCode('alice', lost, { purpose: 'enroll' })).toEqual({
      ok: false,
      reason: 'no_code',
    })
    expect(h.events.map((e) => [e.type, e.reason])).toContainEqual(['failed', 'delivery_failed'])
    fail = false
    h.clock.advance(MIN)
    expect((await h.send()).ok).toBe(true)
  })

  it('a purpose other than the code’s: nothing compared, nothing counted, the code still opens for its own', async () => {
    const h = codes()
    await h.send('alice', 'enroll')
    const code = h.last()
    expect(await h.mfa.checkVerificationCode('alice', code, { purpose: 'change_email' })).toEqual({
      ok: false,
      reason: 'purpose_mismatch',
    })
    expect(await h.mfa.checkVerificationCode('alice', code, { purpose: 'enroll' })).toEqual({
      ok: true,
      channel: 'email',
    })
  })

  it('developer misuse throws; what the user typed never does', async () => {
    const h = codes()
    const bad = [
      { channel: 'fax', destination: 'a@example.com', purpose: 'enroll' },
      { channel: 'email', destination: 'not an address', purpose: 'enroll' },
      { channel: 'email', destination: 'a@b@example.com', purpose: 'enroll' },
      { channel: 'email', destination: 'a@example.com\r\nBcc: x@evil.example', purpose: 'enroll' },
      { channel: 'sms', destination: '07700 900123', purpose: 'enroll' },
      { channel: 'email', destination: 'a@example.com', purpose: 'Enroll!' },
      { channel: 'email', destination: 'a@example.com', purpose: '' },
    ]
    for (const options of bad) {
      await expect(h.mfa.sendVerificationCode('alice', options as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.not.stringContaining('example.com'),
      })
    }
    await expect(h.mfa.checkVerificationCode('alice', '123456', { purpose: 'x y' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    })
    for (const typed of [null, 42, '', 'x'.repeat(10_000), '１２３４５６', {}]) {
      expect((await h.mfa.checkVerificationCode('alice', typed as never, { purpose: 'enroll' })).ok).toBe(false)
    }
    expect(() => harness({ sendCode: () => {} })).toThrow(/sendCode needs encryptionKeys or proofKey/)
    await expect(harness({ proofKey: KEY }).mfa.sendVerificationCode('a', bad[1] as never)).rejects.toThrow()
    await expect(
      harness({ proofKey: KEY }).mfa.sendVerificationCode('a', {
        channel: 'email',
        destination: 'a@example.com',
        purpose: 'enroll',
      }),
    ).rejects.toThrow(/needs the sendCode option/)
    await expect(harness().mfa.checkVerificationCode('a', '123456', { purpose: 'enroll' })).rejects.toThrow(
      /need encryptionKeys or proofKey/,
    )
  })

  it('works with proofKey alone (its digests keyed by the proof key)', async () => {
    const inbox: string[] = []
    const h = harness({ proofKey: KEY, sendCode: (m: VerificationCodeMessage) => void inbox.push(m.code) })
    await h.mfa.sendVerificationCode('carol', { channel: 'email', destination: 'c@example.com', purpose: 'enroll' })
    expect(await h.mfa.checkVerificationCode('carol', inbox[0] as string, { purpose: 'enroll' })).toEqual({
      ok: true,
      channel: 'email',
    })
  })

  it('the code length follows the policy', async () => {
    const h = codes({ policy: { verificationCodeLength: 8 } })
    await h.send()
    expect(h.last()).toMatch(/^\d{8}$/)
    expect(await h.mfa.checkVerificationCode('alice', h.last().slice(0, 6), { purpose: 'enroll' })).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })
})

describe('the identity proof of a first enrollment (policy.requireIdentityProof)', () => {
  const identity = async (h: ReturnType<typeof codes>, purpose = 'enroll') => {
    await h.send('alice', purpose)
    const checked = await h.mfa.checkVerificationCode('alice', h.last(), { purpose, proof: true })
    if (!checked.ok || !checked.proof) throw new Error('no proof')
    return checked.proof
  }

  it('begins only with a fresh proof of a code sent for enroll', async () => {
    const h = codes({ policy: { requireIdentityProof: true } })
    const begin = (proof?: Parameters<typeof h.mfa.beginEnrollment>[1]['proof']) =>
      h.mfa.beginEnrollment('alice', { accountName: 'alice@example.com', ...(proof ? { proof } : {}) })
    expect(await begin()).toEqual({ ok: false, reason: 'proof_required' })
    expect(await begin('123456')).toEqual({ ok: false, reason: 'proof_required' })
    const other = await identity(h, 'change_email')
    expect(await begin({ proof: other })).toEqual({ ok: false, reason: 'purpose_mismatch' })
    h.clock.advance(MIN)
    const proof = await identity(h)
    expect(await h.mfa.checkProof('alice', proof)).toEqual({
      ok: true,
      verifiedAt: h.clock.t,
      method: 'email',
      purpose: 'enroll',
    })
    h.clock.advance(6 * MIN)
    expect(await begin({ proof, maxAgeMs: 5 * MIN })).toEqual({ ok: false, reason: 'proof_expired' })
    const enrollment = await started(begin({ proof }))
    const code1 = await codeAt(enrollment.secret, h.clock.t)
    h.clock.advance(STEP_MS)
    const confirmed = await h.mfa.confirmEnrollment('alice', code1, await codeAt(enrollment.secret, h.clock.t))
    expect(confirmed.ok).toBe(true)
    // a user with an authenticator: the email proof authorizes no MFA change
    expect(await begin({ proof })).toEqual({ ok: false, reason: 'method_not_allowed' })
    expect(await h.mfa.disable('alice', { proof })).toEqual({ ok: false, reason: 'method_not_allowed' })
    expect(await h.mfa.regenerateRecoveryCodes('alice', { proof })).toEqual({ ok: false, reason: 'method_not_allowed' })
    expect((await h.mfa.status('alice')).state).toBe('active')
  })

  it('without the policy, a first enrollment needs no proof (as before)', async () => {
    const h = codes()
    expect((await h.mfa.beginEnrollment('alice', { accountName: 'alice@example.com' })).ok).toBe(true)
  })

  it('a user with MFA: an email proof is still refused after a fresh code of the same session', async () => {
    const h = codes()
    const { id } = await enable(h)
    h.clock.advance(MIN)
    const proof = await identity(h, 'remove_phone')
    expect(await h.mfa.removeAuthenticator('alice', id, { proof })).toEqual({
      ok: false,
      reason: 'method_not_allowed',
    })
  })
})

describe('properties', () => {
  const runs = { numRuns: Math.max(10, Math.floor(numRuns / 10)) }
  const purpose = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/)
  const address = fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('example.com', 'example.org'))

  it('a code sent for one purpose or destination never opens another', async () => {
    await fc.assert(
      fc.asyncProperty(purpose, purpose, address, address, async (p1, p2, [u1, d1], [u2, d2]) => {
        const to1 = `${u1}@${d1}`
        const to2 = `${u2}@${d2}`
        fc.pre(p1 !== p2 || to1 !== to2)
        const h = codes({ policy: { verificationCodeCooldownMs: 0 } })
        await h.send('alice', p1, to1)
        const first = h.last()
        if (p1 !== p2) {
          // checked for another purpose: refused, and nothing counted
          expect(await h.mfa.checkVerificationCode('alice', first, { purpose: p2 })).toEqual({
            ok: false,
            reason: 'purpose_mismatch',
          })
        }
        await h.send('alice', p2, to2)
        const second = h.last()
        // the first code was for another purpose or destination: it never opens the second's check
        if (first !== second) {
          const checked = await h.mfa.checkVerificationCode('alice', first, { purpose: p2 })
          expect(checked.ok).toBe(false)
        }
      }),
      runs,
    )
  })

  it('a voided code never opens: replaced, undelivered, out of attempts, expired', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('replaced', 'undelivered', 'attempts', 'expired'), async (how) => {
        let fail = how === 'undelivered'
        const sent: string[] = []
        const h = codes({
          policy: { verificationCodeCooldownMs: 0 },
          sendCode: (m: VerificationCodeMessage) => {
            sent.push(m.code)
            if (fail) throw new Error('no delivery')
          },
        })
        await h.send().catch(() => {})
        const voided = sent[0] as string
        if (how === 'replaced') await h.send()
        if (how === 'undelivered') fail = false
        if (how === 'attempts') {
          for (let i = 0; i < 3; i++) await h.mfa.checkVerificationCode('alice', other(voided), { purpose: 'enroll' })
        }
        if (how === 'expired') h.clock.advance(10 * MIN)
        const live = sent[1]
        if (live === voided) return // the new code happens to be the same digits: it is that code that opens
        expect((await h.mfa.checkVerificationCode('alice', voided, { purpose: 'enroll' })).ok).toBe(false)
      }),
      runs,
    )
  })
})
