// Model-based test of the sensitive operations: random sequences of logins (asking for a proof, trusting the
// device), device-token uses (current, replaced, revoked, expired tokens), revocations, proof checks, recovery-code
// regenerations, resyncs and a phone whose clock wanders, against a small reference model. The model predicts
// results and the failure budget exactly; on top, each step asserts the safety properties directly: a replaced,
// revoked or expired token never opens (and a replaced one presented again revokes its device: reuse detection), a
// proof never outlives its generation or maxAgeMs, a proof bound to one session never opens for another (nor
// unbound), a recovery-code proof never regenerates codes (the policy says `regenerate: ['totp']`), drift never
// moves without a resync further than a login allows.
import fc from 'fast-check'
import { createMFA, decodeBase32, generateTOTP, type MFA, type MFAEvent } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { MAX_REPLACED_TOKENS } from '../../src/mfa/record/shapes.js'
import { numRuns } from '../support/env.js'
import { expectCleanEvents, fakeClock, type Secrets, STEP_MS, T0 } from './helpers.js'

const POLICY = {
  maxFailures: 3,
  lockBaseMs: 30_000,
  lockMaxMs: 240_000,
  maxTrustedDevices: 3,
  resyncWindow: 10,
  proofMethods: { regenerate: ['totp'] as const },
}
/** The sessions a proof may be bound to (undefined: an unbound proof), and that an application may present. */
type Session = 's1' | 's2' | undefined
const session = fc.constantFrom<Session>(undefined, 's1', 's2')
const asked = (proof: boolean, bound: Session) => (proof && bound ? { bindTo: bound } : proof)
const TTL = 10 * 60_000
const NUM_RUNS = Math.max(10, Math.floor(numRuns / 4))

interface Device {
  id: string
  token: string
  stale: string[]
  expiresAt: number
  revoked: boolean
  createdAt: number
}
interface Proof {
  proof: string
  verifiedAt: number
  generation: number
  method: 'totp' | 'recovery'
  session: Session
}
interface Model {
  failures: number
  lockedUntil: number
  lastStep: number
  drift: number
  /** Steps the phone's clock is off from ours. */
  phone: number
  generation: number
  devices: Device[]
  proofs: Proof[]
  recovery: string[]
}
interface Real {
  mfa: MFA
  clock: ReturnType<typeof fakeClock>
  secret: string
  sensitive: Secrets
  events: MFAEvent[]
}

type Result = { ok: boolean; reason?: string; retryAfterMs?: number; [k: string]: unknown }
const stepNow = (r: Real) => Math.floor(r.clock.t / STEP_MS)
const code = (r: Real, step: number) => generateTOTP(decodeBase32(r.secret), { timestamp: step * STEP_MS })

/** True when the code of `step` is also the code of another step near it (then a test step is skipped). */
async function ambiguous(r: Real, step: number): Promise<boolean> {
  const mine = await code(r, step)
  for (let s = step - 12; s <= step + 12; s++) if (s !== step && (await code(r, s)) === mine) return true
  return false
}

function fail(m: Model, now: number, reason: string): Result {
  m.failures++
  if (m.failures < POLICY.maxFailures) return { ok: false, reason }
  const retryAfterMs = Math.min(POLICY.lockBaseMs * 2 ** (m.failures - POLICY.maxFailures), POLICY.lockMaxMs)
  m.lockedUntil = now + retryAfterMs
  return { ok: false, reason, retryAfterMs }
}

/** The model of a login code of step `step` (the phone's): null when it is accepted (effects applied). */
function judgeCode(m: Model, now: number, t: number, step: number): Result | null {
  if (now < m.lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now }
  if (Math.abs(step - (t + m.drift)) > 1) return fail(m, now, 'invalid')
  if (step <= m.lastStep) return { ok: false, reason: 'replayed' }
  m.failures = 0
  m.lockedUntil = 0
  m.lastStep = step
  const delta = step - t
  if (Math.abs(delta) <= Math.max(1, Math.abs(m.drift))) m.drift = delta
  return null
}

function revokeAll(m: Model) {
  for (const d of m.devices) d.revoked = true
}

/** The last event says `device` was revoked for a reused token; the model marks it revoked. */
function expectReuse(r: Real, device: Device) {
  expect(r.events.at(-1)).toMatchObject({ type: 'device_revoked', reason: 'reuse', deviceId: device.id })
  device.revoked = true
}

type Cmd = fc.AsyncCommand<Model, Real>
const run = (check: (m: Model) => boolean, go: (m: Model, r: Real) => Promise<void>, name: string): Cmd => ({
  check,
  run: go,
  toString: () => name,
})

const tick = (ms: number) =>
  run(
    () => true,
    async (_m, r) => {
      r.clock.advance(ms)
    },
    `tick(${ms})`,
  )

const wander = (phone: number) =>
  run(
    () => true,
    async (m) => {
      m.phone = phone
    },
    `phone(${phone})`,
  )

const login = (wrong: boolean, proof: boolean, trust: boolean, bound: Session = undefined) =>
  run(
    () => true,
    async (m, r) => {
      const now = r.clock.t
      const t = stepNow(r)
      const step = t + m.phone
      if (!wrong && (await ambiguous(r, step))) return
      // a wrong code: the phone's code of an hour earlier (matches nothing in any window)
      const typed = await code(r, wrong ? step - 120 : step)
      if (wrong && (await ambiguous(r, step - 120))) return
      r.sensitive.codes.add(typed)
      const trustDevice = trust ? { label: 'Browser', ttlMs: TTL } : undefined
      const options = { proof: asked(proof, bound), ...(trustDevice ? { trustDevice } : {}) }
      const actual = (await r.mfa.verify('u', typed, options)) as Result
      const refusal = wrong ? judgeCode(m, now, t, step - 120) : judgeCode(m, now, t, step)
      if (refusal) return void expect(actual).toEqual(refusal)
      expect(actual).toMatchObject({ ok: true, method: 'totp' })
      if (proof) {
        expect(typeof actual.proof).toBe('string')
        r.sensitive.recovery.add(actual.proof as string)
        const issued = { proof: actual.proof as string, verifiedAt: now, generation: m.generation }
        m.proofs.push({ ...issued, method: 'totp', session: bound })
      } else expect(actual.proof).toBeUndefined()
      if (trust) {
        const device = actual.device as { id: string; token: string; expiresAt: number }
        expect(device.expiresAt).toBe(now + TTL)
        r.sensitive.recovery.add(device.token)
        m.devices.push({ ...device, stale: [], revoked: false, createdAt: now })
        // over the cap, the oldest trusted (unrevoked, unexpired) device is revoked
        const live = m.devices.filter((d) => !d.revoked && d.expiresAt > now)
        if (live.length > POLICY.maxTrustedDevices) live[0]!.revoked = true
      }
    },
    `login(${wrong ? 'wrong' : 'fresh'}${proof ? `, proof${bound ? ` bound to ${bound}` : ''}` : ''}${trust ? ', trust' : ''})`,
  )

const recoveryLogin = (proof: boolean, bound: Session) =>
  run(
    (m) => m.recovery.length > 0,
    async (m, r) => {
      const now = r.clock.t
      const typed = m.recovery[0]!
      const actual = (await r.mfa.verify('u', typed, { proof: asked(proof, bound) })) as Result
      if (now < m.lockedUntil) {
        return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now })
      }
      m.recovery.shift()
      m.failures = 0
      m.lockedUntil = 0
      expect(actual).toMatchObject({ ok: true, method: 'recovery' })
      if (proof) {
        r.sensitive.recovery.add(actual.proof as string)
        const issued = { proof: actual.proof as string, verifiedAt: now, generation: m.generation }
        m.proofs.push({ ...issued, method: 'recovery', session: bound })
      }
    },
    `recoveryLogin(${proof}${bound ? `, bound to ${bound}` : ''})`,
  )

const useDevice = (pick: number, which: 'current' | 'stale' | 'forged' | 'garbage', copied = false) =>
  run(
    (m) => which === 'garbage' || m.devices.length > 0,
    async (m, r) => {
      const now = r.clock.t
      const d = m.devices[pick % Math.max(1, m.devices.length)]
      let token: string
      let staleIndex = -1
      if (which === 'garbage') token = 'not-a-token'
      else if (which === 'forged') token = `${d!.id}.${'A'.repeat(43)}`
      else if (which === 'stale' && d!.stale.length > 0) {
        staleIndex = pick % d!.stale.length
        token = d!.stale[staleIndex]!
      } else if (which === 'stale') return
      else token = d!.token
      const actual = (await r.mfa.verifyTrustedDevice('u', token)) as Result
      // a locked user's token is not looked at, not even whether it is well-formed
      if (now < m.lockedUntil) {
        return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now })
      }
      if (which === 'garbage') return void expect(actual).toEqual({ ok: false, reason: 'device_malformed' })
      const genuine = which === 'current' && !d!.revoked && now < d!.expiresAt
      if (genuine) {
        expect(actual).toEqual({ ok: true, deviceId: d!.id, token: expect.any(String), expiresAt: d!.expiresAt })
        r.sensitive.recovery.add(actual.token as string)
        d!.stale.push(d!.token)
        d!.token = actual.token as string
        if (copied) {
          // the copy of the cookie, tried after the real browser used it: refused, a failure, and the device revoked
          // (reuse detection), so the real browser's fresh token dies too
          const copy = (await r.mfa.verifyTrustedDevice('u', d!.stale.at(-1)!)) as Result
          expect(copy).toEqual(fail(m, now, 'device_revoked'))
          expectReuse(r, d!)
        }
        return
      }
      // a token its rotations replaced, of a live device, within what the record remembers: the device is revoked
      const remembered = staleIndex >= d!.stale.length - MAX_REPLACED_TOKENS
      if (which === 'stale' && !d!.revoked && now < d!.expiresAt && remembered) {
        expect(actual).toEqual(fail(m, now, 'device_revoked'))
        expectReuse(r, d!)
        return
      }
      // safety: a replaced, forged, revoked or expired token never opens; the reason depends on what the record
      // still remembers of the device
      expect(actual.ok).toBe(false)
      const allowed =
        which === 'current' && !d!.revoked
          ? ['device_expired', 'device_unknown']
          : ['device_revoked', 'device_unknown', 'device_expired']
      expect(allowed).toContain(actual.reason)
      const expected = fail(m, now, actual.reason as string)
      expect(actual).toEqual(expected)
    },
    `useDevice(${pick}, ${which}${copied ? ', then its copy' : ''})`,
  )

const revokeOne = (pick: number) =>
  run(
    (m) => m.devices.length > 0,
    async (m, r) => {
      const d = m.devices[pick % m.devices.length]!
      const live = !d.revoked && r.clock.t < d.expiresAt
      const actual = await r.mfa.revokeTrustedDevice('u', d.id)
      // an entry the record forgot (expired, pushed out) is not_found too
      if (live) expect(actual).toEqual({ ok: true })
      else expect(actual).toEqual({ ok: false, reason: 'not_found' })
      d.revoked = true
    },
    `revokeOne(${pick})`,
  )

const revokeAllCmd = run(
  () => true,
  async (m, r) => {
    const live = m.devices.filter((d) => !d.revoked && r.clock.t < d.expiresAt).length
    expect(await r.mfa.revokeTrustedDevices('u')).toEqual({ ok: true, revoked: live })
    revokeAll(m)
  },
  'revokeAll',
)

const checkProof = (pick: number, maxAgeMs: number, presented: Session) =>
  run(
    (m) => m.proofs.length > 0,
    async (m, r) => {
      const p = m.proofs[pick % m.proofs.length]!
      const bindTo = presented ? { bindTo: presented } : {}
      const actual = (await r.mfa.checkProof('u', p.proof, { maxAgeMs, ...bindTo })) as Result
      // safety: a proof carried to another session (or stripped of its binding, or given one) is not genuine there
      if (presented !== p.session) return void expect(actual).toEqual({ ok: false, reason: 'proof_invalid' })
      if (p.generation !== m.generation) return void expect(actual).toEqual({ ok: false, reason: 'proof_revoked' })
      if (r.clock.t - p.verifiedAt > maxAgeMs)
        return void expect(actual).toEqual({ ok: false, reason: 'proof_expired' })
      if (r.clock.t < m.lockedUntil) {
        return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - r.clock.t })
      }
      expect(actual).toMatchObject({ ok: true, verifiedAt: p.verifiedAt, method: p.method })
    },
    `checkProof(${pick}, ${maxAgeMs}${presented ? `, in ${presented}` : ''})`,
  )

/**
 * Regenerates recovery codes with a proof (the step-up proof `pick`, presented in session `presented`) or a fresh
 * code: devices and proofs die. A recovery-code proof may not regenerate (the policy).
 */
const regenerate = (pick: number, withProof: boolean, presented: Session = undefined) =>
  run(
    (m) => !withProof || m.proofs.length > 0,
    async (m, r) => {
      const now = r.clock.t
      const t = stepNow(r)
      const step = t + m.phone
      if (!withProof && (await ambiguous(r, step))) return
      const p = m.proofs[pick % Math.max(1, m.proofs.length)]
      const proof = withProof ? { proof: p!.proof, ...(presented ? { bindTo: presented } : {}) } : await code(r, step)
      if (typeof proof === 'string') r.sensitive.codes.add(proof)
      const actual = (await r.mfa.regenerateRecoveryCodes('u', proof)) as Result
      let refusal: Result | null
      if (now < m.lockedUntil) refusal = { ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now }
      else if (!withProof) refusal = judgeCode(m, now, t, step)
      else if (presented !== p!.session) refusal = { ok: false, reason: 'proof_invalid' }
      else if (p!.generation !== m.generation) refusal = { ok: false, reason: 'proof_revoked' }
      else if (now - p!.verifiedAt > 600_000) refusal = { ok: false, reason: 'proof_expired' }
      else if (p!.method === 'recovery') refusal = { ok: false, reason: 'method_not_allowed' }
      else refusal = null
      if (refusal) return void expect(actual).toEqual(refusal)
      expect(actual).toMatchObject({ ok: true })
      m.recovery = [...(actual.recoveryCodes as string[])]
      for (const c of m.recovery) r.sensitive.recovery.add(c)
      m.generation++
      revokeAll(m)
    },
    `regenerate(${withProof ? `proof ${pick}${presented ? ` in ${presented}` : ''}` : 'code'})`,
  )

/** Two consecutive codes of the phone (as it is now), typed one step apart. */
const resync = (swapped: boolean) =>
  run(
    () => true,
    async (m, r) => {
      const now = r.clock.t
      const t = stepNow(r)
      const second = t + m.phone
      if ((await ambiguous(r, second)) || (await ambiguous(r, second - 1))) return
      const [c1, c2] = [await code(r, second - 1), await code(r, second)]
      r.sensitive.codes.add(c1)
      r.sensitive.codes.add(c2)
      const actual = (await r.mfa.resync('u', swapped ? c2 : c1, swapped ? c1 : c2)) as Result
      if (now < m.lockedUntil) {
        return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now })
      }
      const found = !swapped && Math.abs(second - (t + m.drift)) <= POLICY.resyncWindow && Math.abs(m.phone) <= 40
      if (!found) return void expect(actual).toEqual(fail(m, now, 'invalid'))
      if (second - 1 <= m.lastStep) return void expect(actual).toEqual({ ok: false, reason: 'replayed' })
      expect(actual).toMatchObject({ ok: true, drift: m.phone })
      m.drift = m.phone
      m.lastStep = second
      m.failures = 0
      m.lockedUntil = 0
    },
    `resync(${swapped ? 'swapped' : 'in order'})`,
  )

// weights: trusting logins and device uses often (so replaced tokens pile up and get tried), a wandering phone,
// revocations and wrong codes now and then
const useKind = fc.constantFrom('current', 'stale', 'stale', 'forged', 'garbage') as fc.Arbitrary<
  'current' | 'stale' | 'forged' | 'garbage'
>
const command = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(STEP_MS, 2 * STEP_MS, 60_000 * 4, TTL).map(tick) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0, 0, 1, -1, 6, -9, 13, 45).map(wander) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), session).map(([w, p, t, b]) => login(w, p, t, b)),
  },
  { weight: 3, arbitrary: fc.boolean().map((p) => login(false, p, true)) },
  { weight: 1, arbitrary: fc.tuple(fc.boolean(), session).map(([p, b]) => recoveryLogin(p, b)) },
  { weight: 4, arbitrary: fc.tuple(fc.nat({ max: 5 }), fc.boolean()).map(([p, c]) => useDevice(p, 'current', c)) },
  { weight: 3, arbitrary: fc.tuple(fc.nat({ max: 5 }), useKind).map(([p, w]) => useDevice(p, w)) },
  { weight: 1, arbitrary: fc.nat({ max: 5 }).map(revokeOne) },
  { weight: 1, arbitrary: fc.constant(revokeAllCmd) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat({ max: 5 }), fc.constantFrom(60_000, 300_000, 600_000), session)
      .map(([p, a, s]) => checkProof(p, a, s)),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat({ max: 5 }), fc.boolean(), session).map(([p, w, s]) => regenerate(p, w, s)),
  },
  { weight: 1, arbitrary: fc.boolean().map(resync) },
)

describe('model: proofs, trusted devices and resync', () => {
  it('matches the model step by step, and no event carries a secret, code, proof or token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands([command], { maxCommands: 40, size: 'max' }), async (cmds) => {
        const clock = fakeClock(T0)
        const events: MFAEvent[] = []
        const sensitive: Secrets = { secrets: new Set(), codes: new Set(), recovery: new Set() }
        const mfa = createMFA({
          issuer: 'Model',
          now: clock.now,
          policy: POLICY,
          proofKey: new Uint8Array(32).fill(3),
          encryptionKeys: { current: 'k', keys: { k: new Uint8Array(32).fill(9) } },
          onEvent: (e) => {
            events.push(e)
          },
        })
        const begun = await mfa.beginEnrollment('u', { accountName: 'u@example.com' })
        if (!begun.ok) throw new Error('begin failed')
        sensitive.secrets.add(begun.secret)
        const r: Real = { mfa, clock, secret: begun.secret, sensitive, events }
        const s = stepNow(r)
        clock.advance(STEP_MS)
        const confirmed = await mfa.confirmEnrollment('u', await code(r, s), await code(r, s + 1))
        if (!confirmed.ok) throw new Error(`confirm failed: ${confirmed.reason}`)
        for (const c of confirmed.recoveryCodes) sensitive.recovery.add(c)
        const m: Model = {
          failures: 0,
          lockedUntil: 0,
          lastStep: s + 1,
          drift: 0,
          phone: 0,
          generation: 0,
          devices: [],
          proofs: [],
          recovery: [...confirmed.recoveryCodes],
        }
        await fc.asyncModelRun(() => ({ model: m, real: r }), cmds)
        // safety, once more over the whole run: every device's replaced tokens are dead
        for (const d of m.devices) {
          for (const stale of d.stale) expect((await mfa.verifyTrustedDevice('u', stale)).ok).toBe(false)
        }
        expectCleanEvents(events, sensitive)
      }),
      { numRuns: NUM_RUNS },
    )
  })
})
