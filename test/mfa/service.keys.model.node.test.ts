// Model-based test of security keys beside an authenticator app: random sequences of sign-in challenges, assertions
// (good, a bad signature, a cloned key's lower counter, a malformed body, a replay of an accepted one, over a fresh,
// an older or an expired challenge), wrong and right app codes, key registrations and removals (proven by a code),
// and clock ticks, against a small reference model that predicts every result exactly. On top of equality with the
// model, each step asserts the safety properties directly: an assertion accepted once is never accepted again, a
// removed key never signs in, and a locked user is never let in, whichever factor they try.
import fc from 'fast-check'
import { createMFA, decodeBase32, generateTOTP, type MFA, type SecurityKeyAssertion } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from '../support/env.js'
import { fakeClock, STEP_MS, T0 } from './helpers.js'
import { type SoftKey, softKey, WEBAUTHN } from './key-helpers.js'

const POLICY = { maxFailures: 3, lockBaseMs: 30_000, lockMaxMs: 240_000, maxAuthenticators: 4, challengeTTLMs: 60_000 }
const MAX_CHALLENGES = 5

interface ModelKey {
  id: string
  soft: SoftKey
  /** the counter the service stored (only moves forward) */
  stored: number
}
interface ModelChallenge {
  challenge: string
  expiresAt: number
  used: boolean
}
interface Model {
  keys: ModelKey[]
  removed: ModelKey[]
  failures: number
  lockedUntil: number
  challenges: ModelChallenge[]
  /** every request option handed out, to sign over later (also once expired or evicted) */
  issued: { challenge: string }[]
  accepted: SecurityKeyAssertion[]
  lastStep: number
}

type Action =
  | { kind: 'challenge' }
  | { kind: 'assert'; key: number; which: number; variant: 'good' | 'bad' | 'clone' | 'malformed' | 'replay' }
  | { kind: 'code'; right: boolean }
  | { kind: 'register' }
  | { kind: 'remove'; key: number }
  | { kind: 'tick'; ms: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'challenge' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('assert' as const),
      key: fc.nat(3),
      which: fc.nat(6),
      variant: fc.constantFrom('good', 'good', 'good', 'bad', 'clone', 'malformed', 'replay'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('code' as const), right: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'register' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), key: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(1000, 20_000, 61_000, 300_000) }),
  },
)

/** One failure against the model's budget: as the service counts it, with the lock it may start. */
function fail(model: Model, now: number): number | undefined {
  model.failures += 1
  const over = model.failures - POLICY.maxFailures
  if (over < 0) return undefined
  const retry = Math.min(POLICY.lockBaseMs * 2 ** over, POLICY.lockMaxMs)
  model.lockedUntil = now + retry
  return retry
}

const refusal = (reason: string, retryAfterMs?: number) =>
  retryAfterMs === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterMs }

/** What every committed write does to the challenges: the expired ones go. */
const prune = (model: Model, now: number) => {
  model.challenges = model.challenges.filter((c) => now < c.expiresAt)
}

async function run(actions: Action[]) {
  const clock = fakeClock(T0)
  const mfa: MFA = createMFA({ issuer: 'Example', now: clock.now, webauthn: WEBAUTHN, policy: POLICY })
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
  const code = (step: number) => generateTOTP(decodeBase32(secret), { timestamp: step * STEP_MS })
  const step = () => Math.floor(clock.t / STEP_MS)
  await mfa.importAuthenticator('u', { secret, lastStep: step() })
  const model: Model = {
    keys: [],
    removed: [],
    failures: 0,
    lockedUntil: 0,
    challenges: [],
    issued: [],
    accepted: [],
    lastStep: step(),
  }
  const locked = () => clock.t < model.lockedUntil
  /** a fresh app code: the clock moves to the next step first, so it is never a replay */
  const freshCode = async () => {
    clock.set((Math.max(step(), model.lastStep) + 1) * STEP_MS + 1000)
    return code(step())
  }
  const useCode = () => {
    model.lastStep = step()
    model.failures = 0
    model.lockedUntil = 0
  }

  for (const a of actions) {
    const now = () => clock.t
    if (a.kind === 'tick') {
      clock.advance(a.ms)
    } else if (a.kind === 'challenge') {
      const got = await mfa.challenge('u')
      if (locked()) {
        expect(got).toEqual(refusal('locked', model.lockedUntil - now()))
        continue
      }
      if (model.keys.length === 0) {
        expect(got).toEqual({ ok: true, methods: ['totp'] })
        continue
      }
      if (!got.ok || !got.options) throw new Error('expected request options')
      expect(got.expiresAt).toBe(now() + POLICY.challengeTTLMs)
      expect(got.options.allowCredentials.map((c) => c.id)).toEqual(model.keys.map((k) => k.soft.credentialId))
      prune(model, now())
      model.challenges = [
        ...model.challenges.slice(-(MAX_CHALLENGES - 1)),
        { challenge: got.options.challenge, expiresAt: now() + POLICY.challengeTTLMs, used: false },
      ]
      model.issued.push(got.options)
    } else if (a.kind === 'assert') {
      const all = [...model.keys, ...model.removed]
      const key = all[a.key % Math.max(all.length, 1)]
      const options = model.issued[model.issued.length - 1 - (a.which % Math.max(model.issued.length, 1))]
      if (!key || !options) continue
      let assertion: SecurityKeyAssertion | object
      if (a.variant === 'replay') {
        const last = model.accepted.at(-1)
        if (!last) continue
        assertion = last
      } else if (a.variant === 'malformed') {
        assertion = { id: key.soft.credentialId, type: 'public-key', response: {} }
      } else if (a.variant === 'clone') {
        assertion = key.soft.sign(options, { signCount: Math.max(key.stored - 1, 0) })
      } else {
        assertion = key.soft.sign(options, { badSignature: a.variant === 'bad' })
      }
      const got = await mfa.verify('u', assertion as SecurityKeyAssertion)
      // the properties the model must agree with, checked on their own first
      if (got.ok) {
        expect(locked()).toBe(false)
        expect(model.removed).not.toContain(key)
        expect(model.accepted).not.toContain(assertion)
      }
      if (locked()) {
        expect(got).toEqual(refusal('locked', model.lockedUntil - now()))
        continue
      }
      if (a.variant === 'malformed') {
        expect(got).toEqual(refusal('malformed'))
        continue
      }
      // which key the assertion is of, and which challenge it names
      const signer =
        a.variant === 'replay' ? all.find((k) => k.soft.credentialId === (assertion as SecurityKeyAssertion).id) : key
      const named = JSON.parse(
        Buffer.from((assertion as SecurityKeyAssertion).response.clientDataJSON, 'base64url').toString(),
      ).challenge
      const known = signer !== undefined && model.keys.includes(signer)
      const entry = model.challenges.find((c) => c.challenge === named)
      const live = entry !== undefined && now() < entry.expiresAt
      const signCount =
        a.variant === 'replay' ? -1 : a.variant === 'clone' ? Math.max(key.stored - 1, 0) : key.soft.counter
      if (a.variant === 'bad' || !known || !live) {
        if (entry && !entry.used) model.challenges = model.challenges.filter((c) => c !== entry)
        const retry = fail(model, now())
        prune(model, now())
        expect(got).toEqual(refusal('invalid', retry))
        continue
      }
      if (entry.used) {
        expect(got).toEqual(refusal('replayed'))
        continue
      }
      entry.used = true
      const stored = (signer as ModelKey).stored
      if (a.variant === 'replay') throw new Error('a replayed assertion over an unused challenge')
      if ((signCount !== 0 || stored !== 0) && signCount <= stored) {
        const retry = fail(model, now())
        prune(model, now())
        expect(got).toEqual(refusal('cloned', retry))
        continue
      }
      ;(signer as ModelKey).stored = Math.max(stored, signCount)
      model.failures = 0
      model.lockedUntil = 0
      prune(model, now())
      model.accepted.push(assertion as SecurityKeyAssertion)
      expect(got).toEqual({ ok: true, method: 'webauthn', authenticatorId: (signer as ModelKey).id })
    } else if (a.kind === 'code') {
      const typed = a.right ? await freshCode() : await wrongCode(code, step())
      const got = await mfa.verify('u', typed)
      if (got.ok) expect(locked()).toBe(false)
      if (locked()) {
        expect(got).toEqual(refusal('locked', model.lockedUntil - now()))
      } else if (a.right) {
        useCode()
        prune(model, now())
        expect(got).toMatchObject({ ok: true, method: 'totp' })
      } else {
        const retry = fail(model, now())
        prune(model, now())
        expect(got).toEqual(refusal('invalid', retry))
      }
    } else if (a.kind === 'register') {
      const proof = await freshCode()
      const begun = await mfa.beginSecurityKeyRegistration('u', { proof })
      if (1 + model.keys.length >= POLICY.maxAuthenticators) {
        expect(begun).toEqual(refusal('limit_reached'))
        continue
      }
      if (locked()) {
        expect(begun).toEqual(refusal('locked', model.lockedUntil - now()))
        continue
      }
      if (!begun.ok) throw new Error(`begin refused: ${begun.reason}`)
      useCode()
      prune(model, now())
      const soft = softKey(-8)
      const done = await mfa.finishSecurityKeyRegistration('u', soft.register(begun.options))
      expect(done).toEqual({ ok: true, authenticatorId: begun.authenticatorId, recoveryCodes: [] })
      prune(model, now())
      model.keys.push({ id: begun.authenticatorId, soft, stored: soft.counter })
    } else if (a.kind === 'remove') {
      const key = model.keys[a.key % Math.max(model.keys.length, 1)]
      if (!key) continue
      const proof = await freshCode()
      const got = await mfa.removeAuthenticator('u', key.id, proof)
      if (locked()) {
        expect(got).toEqual(refusal('locked', model.lockedUntil - now()))
        continue
      }
      expect(got).toEqual({ ok: true })
      useCode()
      prune(model, now())
      model.keys = model.keys.filter((k) => k !== key)
      model.removed.push(key)
      // the state of a user without keys is forgotten once nothing in it is left (only its challenges remain here)
    }
    const listed = await mfa.listAuthenticators('u')
    expect(listed.filter((x) => x.kind === 'webauthn').map((x) => x.id)).toEqual(model.keys.map((k) => k.id))
  }
}

/** A code that is none of the app's codes in the login window around `step`. */
async function wrongCode(code: (step: number) => Promise<string>, step: number): Promise<string> {
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => code(step + d))))
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!near.has(candidate)) return candidate
  }
}

describe('security keys beside an app: model-based', () => {
  it("every result is the model's, and nothing is accepted twice, after a removal or while locked", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), async (actions) => {
        await run(actions)
      }),
      { numRuns: Math.max(20, Math.floor(numRuns / 4)) },
    )
  }, 300_000)
})
