// Model-based test: random sequences of every MFA operation (and of clock ticks) against a small reference model
// that predicts each result exactly. On top of equality with the model, each step asserts the safety properties
// directly: a replayed step, a locked user, a used recovery code, a replaced or disabled secret is never accepted.
import fc from 'fast-check'
import { createMFA, isOTPError, type MFA, type MFAEvent } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from '../support/env'
import { codeAt, expectCleanEvents, fakeClock, type Secrets, STEP_MS, T0 } from './helpers.js'

const POLICY = { maxFailures: 3, lockBaseMs: 30_000, lockMaxMs: 240_000, maxEnrollmentAttempts: 3 }
const TTL = 10 * 60_000
const NUM_RUNS = numRuns

interface Model {
  active: null | {
    secret: string
    lastStep: number
    drift: number
    failures: number
    lockedUntil: number
    recovery: string[]
  }
  pending: null | { secret: string; expiresAt: number; attempts: number }
  /** Secrets that were replaced, disabled or reset: none of their codes may ever pass again. */
  dead: string[]
  /** Recovery codes that were used, replaced or removed. */
  spent: string[]
}

interface Real {
  mfa: MFA
  clock: ReturnType<typeof fakeClock>
  sensitive: Secrets
}

const stepNow = (r: Real) => Math.floor(r.clock.t / STEP_MS)
type CodeResult =
  | { ok: true; method?: string; recoveryCodes?: string[] }
  | { ok: false; reason: string; retryAfterMs?: number }

/** A 6-digit code that matches no step of `secret` from 4 before to 4 after now. */
async function wrongCode(r: Real, secrets: string[]): Promise<string> {
  const taken = new Set<string>()
  for (const s of secrets) for (let k = -4; k <= 4; k++) taken.add(await codeAt(s, r.clock.t, k))
  for (let n = 0; ; n++) {
    const c = String((n * 7919 + 123457) % 1_000_000).padStart(6, '0')
    if (!taken.has(c)) return c
  }
}

/** The model's verdict on a TOTP code of the active secret at `step` (null: a code matching nothing). */
function expectTOTP(m: Model, now: number, t: number, step: number | null): CodeResult {
  const a = m.active
  if (a === null) return { ok: false, reason: 'not_enrolled' }
  if (now < a.lockedUntil) return { ok: false, reason: 'locked', retryAfterMs: a.lockedUntil - now }
  const inWindow = step !== null && Math.abs(step - (t + a.drift)) <= 1
  if (inWindow && step <= a.lastStep) return { ok: false, reason: 'replayed' }
  if (inWindow) {
    a.lastStep = step
    if (Math.abs(step - t) <= 1) a.drift = step - t
    a.failures = 0
    a.lockedUntil = 0
    return { ok: true, method: 'totp' }
  }
  return fail(m, now)
}

function fail(m: Model, now: number): CodeResult {
  const a = m.active!
  a.failures++
  if (a.failures < POLICY.maxFailures) return { ok: false, reason: 'invalid' }
  const retryAfterMs = Math.min(POLICY.lockBaseMs * 2 ** (a.failures - POLICY.maxFailures), POLICY.lockMaxMs)
  a.lockedUntil = now + retryAfterMs
  return { ok: false, reason: 'invalid', retryAfterMs }
}

function kill(m: Model) {
  if (m.active) {
    m.dead.push(m.active.secret)
    m.spent.push(...m.active.recovery)
  }
  m.active = null
}

type CodeKind = 'prev' | 'current' | 'next' | 'wrong' | 'dead' | 'recovery' | 'spent' | 'malformed'
type Op = 'verify' | 'disable' | 'regenerate'

class CodeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly op: Op,
    readonly kind: CodeKind,
    readonly pick: number,
  ) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const now = r.clock.t
    const t = stepNow(r)
    const a = m.active
    // What is typed: a TOTP code (of the active secret at `step`, or matching nothing), a recovery code (unused or
    // spent), or something malformed.
    let input: 'totp' | 'recovery' | 'spent' | 'malformed' = 'totp'
    let step: number | null = null
    let code: string
    if ((this.kind === 'prev' || this.kind === 'current' || this.kind === 'next') && a) {
      step = t + { prev: -1, current: 0, next: 1 }[this.kind]
      code = await codeAt(a.secret, step * STEP_MS)
    } else if (this.kind === 'dead' && m.dead.length > 0) {
      code = await codeAt(m.dead[this.pick % m.dead.length]!, now)
      // Astronomically unlikely, but then the code is legitimately the active one's: skip rather than guess.
      if (a && (await isActiveCode(a.secret, r, code))) return
    } else if (this.kind === 'recovery' && a && a.recovery.length > 0) {
      input = 'recovery'
      code = a.recovery[this.pick % a.recovery.length]!
    } else if (this.kind === 'spent' && m.spent.length > 0) {
      input = 'spent'
      code = m.spent[this.pick % m.spent.length]!
    } else if (this.kind === 'malformed') {
      input = 'malformed'
      code = ['', '12345', 'abc def', '1234567890123'][this.pick % 4]!
    } else {
      code = await wrongCode(r, [...(a ? [a.secret] : []), ...m.dead])
    }
    if (input === 'totp') r.sensitive.codes.add(code)

    const actual = await call(r.mfa, this.op, code)
    // Safety, independently of the model's bookkeeping.
    if (actual.ok) {
      expect(a, 'accepted without an active authenticator').not.toBeNull()
      expect(now < (a?.lockedUntil ?? 0), 'a locked user was let in').toBe(false)
      expect(m.spent, 'a spent recovery code was accepted').not.toContain(code)
      if (input === 'totp') {
        expect(step, 'a code that is not the active secret’s was accepted').not.toBeNull()
        expect(step! > a!.lastStep, 'a replayed step was accepted').toBe(true)
      }
    }

    let expected: CodeResult
    if (a === null) expected = { ok: false, reason: 'not_enrolled' }
    else if (now < a.lockedUntil) expected = { ok: false, reason: 'locked', retryAfterMs: a.lockedUntil - now }
    else if (input === 'malformed') expected = { ok: false, reason: 'malformed' }
    else if (input !== 'totp' && this.op !== 'verify') expected = { ok: false, reason: 'malformed' }
    else if (input === 'recovery') {
      a.recovery = a.recovery.filter((c) => c !== code)
      m.spent.push(code)
      a.failures = 0
      a.lockedUntil = 0
      expected = { ok: true, method: 'recovery' }
    } else if (input === 'spent') expected = fail(m, now)
    else expected = expectTOTP(m, now, t, step)

    if (expected.ok && this.op === 'disable') {
      kill(m)
      m.pending = null
      expected = { ok: true }
    } else if (expected.ok && this.op === 'regenerate') {
      expect(actual.ok && actual.recoveryCodes?.length).toBe(10)
      m.spent.push(...m.active!.recovery)
      m.active!.recovery = actual.ok ? (actual.recoveryCodes ?? []) : []
      for (const c of m.active!.recovery) r.sensitive.recovery.add(c)
      expected = { ok: true, recoveryCodes: m.active!.recovery }
    }
    expect(actual).toEqual(expected)
  }
  toString() {
    return `${this.op}(${this.kind})`
  }
}

async function isActiveCode(secret: string, r: Real, code: string) {
  for (let k = -3; k <= 3; k++) if ((await codeAt(secret, r.clock.t, k)) === code) return true
  return false
}

async function call(mfa: MFA, op: Op, code: string): Promise<CodeResult> {
  if (op === 'verify') return mfa.verify('u', code)
  if (op === 'disable') return mfa.disable('u', code)
  return mfa.regenerateRecoveryCodes('u', code)
}

class BeginCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly replaceActive: boolean) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const attempt = r.mfa.beginEnrollment('u', { accountName: 'u@example.com', replaceActive: this.replaceActive })
    if (m.active && !this.replaceActive) {
      const error = await attempt.catch((e: unknown) => e)
      expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
      return
    }
    const { secret, expiresAt } = await attempt
    r.sensitive.secrets.add(secret)
    expect(expiresAt).toBe(r.clock.t + TTL)
    m.pending = { secret, expiresAt, attempts: 0 }
  }
  toString() {
    return `begin(${this.replaceActive})`
  }
}

class ConfirmCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly kind: 'good' | 'reversed' | 'wrong') {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const now = r.clock.t
    const p = m.pending
    let c1: string
    let c2: string
    if (p && this.kind !== 'wrong') {
      const a = await codeAt(p.secret, now, -1)
      const b = await codeAt(p.secret, now)
      if (a === b) return // one in a million: same_code, not what this command is about
      ;[c1, c2] = this.kind === 'good' ? [a, b] : [b, a]
    } else {
      c1 = await wrongCode(r, p ? [p.secret] : [])
      c2 = String((Number(c1) + 1) % 1_000_000).padStart(6, '0')
      if (p && (await isActiveCode(p.secret, r, c2))) return
    }
    r.sensitive.codes.add(c1)
    r.sensitive.codes.add(c2)
    const actual = await r.mfa.confirmEnrollment('u', c1, c2)

    let expected: { ok: boolean; reason?: string }
    if (p === null) expected = { ok: false, reason: 'not_pending' }
    else if (now >= p.expiresAt) {
      const dropped = m.active === null && now >= p.expiresAt + TTL
      expected = { ok: false, reason: dropped ? 'not_pending' : 'expired' }
      m.pending = null
    } else if (p.attempts >= POLICY.maxEnrollmentAttempts) expected = { ok: false, reason: 'locked' }
    else if (this.kind === 'good') {
      kill(m)
      const codes = actual.ok ? actual.recoveryCodes : []
      for (const c of codes) r.sensitive.recovery.add(c)
      m.active = { secret: p.secret, lastStep: stepNow(r), drift: 0, failures: 0, lockedUntil: 0, recovery: codes }
      m.pending = null
      expected = { ok: true }
      expect(codes).toHaveLength(10)
    } else {
      p.attempts++
      expected = { ok: false, reason: this.kind === 'reversed' ? 'reversed' : 'invalid' }
    }
    expect(actual.ok ? { ok: true } : actual).toEqual(expected)
  }
  toString() {
    return `confirm(${this.kind})`
  }
}

class ResetCommand implements fc.AsyncCommand<Model, Real> {
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    expect(await r.mfa.reset('u', { actor: 'support', reason: 'phone lost' })).toEqual({ ok: true })
    kill(m)
    m.pending = null
  }
  toString() {
    return 'reset'
  }
}

class StatusCommand implements fc.AsyncCommand<Model, Real> {
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const s = await r.mfa.status('u')
    const now = r.clock.t
    const pendingLive = m.pending !== null && now < m.pending.expiresAt
    expect(s.state).toBe(m.active ? 'active' : pendingLive ? 'pending' : 'none')
    expect(s.recoveryCodesLeft).toBe(m.active?.recovery.length)
    expect(s.lockedUntil).toBe(m.active && now < m.active.lockedUntil ? m.active.lockedUntil : undefined)
    expect(s.pendingExpiresAt).toBe(pendingLive ? m.pending?.expiresAt : undefined)
  }
  toString() {
    return 'status'
  }
}

class TickCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check() {
    return true
  }
  async run(_m: Model, r: Real) {
    r.clock.advance(this.ms)
  }
  toString() {
    return `tick(${this.ms})`
  }
}

const kinds: CodeKind[] = ['prev', 'current', 'next', 'wrong', 'dead', 'recovery', 'spent', 'malformed']
const commands = [
  fc.boolean().map((b) => new BeginCommand(b)),
  fc.constantFrom('good', 'good', 'reversed', 'wrong').map((k) => new ConfirmCommand(k as 'good')),
  ...Array.from({ length: 4 }, () =>
    fc
      .tuple(
        fc.constantFrom<Op>('verify', 'verify', 'verify', 'disable', 'regenerate'),
        fc.constantFrom(...kinds),
        fc.nat(20),
      )
      .map(([op, kind, pick]) => new CodeCommand(op, kind, pick)),
  ),
  fc.constant(new StatusCommand()),
  fc
    .constantFrom(1_000, 5_000, 15_000, 25_000, 30_000, 30_000, 90_000, 300_000, 660_000)
    .map((ms) => new TickCommand(ms)),
  fc
    .constantFrom(1_000, 5_000, 15_000, 25_000, 30_000, 30_000, 90_000, 300_000, 660_000)
    .map((ms) => new TickCommand(ms)),
]
// Rare on purpose: a reset or a disable ends the interesting part of a run.
const rare = fc.constant(new ResetCommand())

describe('createMFA against a reference model', () => {
  it('matches the model and never reaches a forbidden state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands([...commands, ...commands, ...commands, rare], { maxCommands: 50, size: 'max' }),
        fc.nat(STEP_MS - 1),
        fc.boolean(),
        async (cmds, offset, preEnrolled) => {
          const clock = fakeClock(T0 - 5_000 + offset)
          const events: MFAEvent[] = []
          const mfa = createMFA({
            issuer: 'Model',
            now: clock.now,
            policy: POLICY,
            onEvent: (e) => void events.push(e),
          })
          const sensitive: Secrets = { secrets: new Set(), codes: new Set(), recovery: new Set() }
          const model: Model = { active: null, pending: null, dead: [], spent: [] }
          const real: Real = { mfa, clock, sensitive }
          // Half the runs start with an enrolled user, so long sequences explore the active state.
          if (preEnrolled) {
            await new BeginCommand(false).run(model, real)
            await new ConfirmCommand('good').run(model, real)
          }
          await fc.asyncModelRun(() => ({ model, real }), cmds)
          if (events.length > 0) expectCleanEvents(events, sensitive)
        },
      ),
      { numRuns: NUM_RUNS },
    )
  })
})
