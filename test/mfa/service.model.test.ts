// Model-based test: random sequences of every MFA operation (several authenticators, import, removal, proofs, clock
// ticks) against a small reference model that predicts each result exactly. On top of equality with the model,
// each step asserts the safety properties directly: a replayed step, a locked user, a used recovery code, a removed
// or disabled secret is never accepted. New recovery codes are shown again (the same ones) until acknowledged, a
// confirmation submitted twice answers twice alike, and no record ever holds a recovery code in clear.
// A security change (a removal, new recovery codes) cancels a pending enrollment, as does cancelEnrollment, and a
// locked user cannot confirm one. Verification codes by email join in: send (cooldown, hourly limit, a new code voids
// the old one), check (right, wrong, voided, malformed, another purpose), expiry; their wrong codes count against the
// same failure budget, and a voided code never opens.
import fc from 'fast-check'
import {
  createMFA,
  encodeBase32,
  type MFA,
  type MFAEvent,
  type MFAStore,
  memoryStore,
  type VerificationCodeMessage,
} from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from '../support/env.js'
import { codeAt, expectCleanEvents, fakeClock, type Secrets, STEP_MS, T0 } from './helpers.js'

const POLICY = {
  maxFailures: 3,
  lockBaseMs: 30_000,
  lockMaxMs: 240_000,
  maxEnrollmentAttempts: 3,
  maxAuthenticators: 3,
  recoveryCodes: 3,
}
const TTL = 10 * 60_000
const HOUR = 3_600_000
/** How long new recovery codes can be shown again (the default policy). */
const UNSAVED_TTL = 15 * 60_000
const NUM_RUNS = numRuns
// keyed recovery digests (HMAC) keep a run fast; the PBKDF2 path is covered by the scenarios
const KEYS = { current: 'k1', keys: { k1: new Uint8Array(32).fill(7) } }

interface Auth {
  id: string
  secret: string
  lastStep: number
  drift: number
}

interface Model {
  auths: Auth[]
  failures: number
  lockedUntil: number
  recovery: string[]
  /** Whether the record holds recovery digests (even none left): replacing them is a security change. */
  recoveryIssued: boolean
  pending: null | { id: string; secret: string; expiresAt: number; attempts: number; lastWrite: number }
  /** Secrets that were removed, disabled or reset: none of their codes may ever pass again. */
  dead: string[]
  /** Recovery codes that were used, replaced or removed. */
  spent: string[]
  /** Recovery codes issued lately and not acknowledged: shown again until `expiresAt`. */
  unsaved: null | { codes: string[]; authId: string | null; issuedAt: number; expiresAt: number }
  /** The last successful confirmation: its codes, the authenticator it created and the step it consumed. */
  lastConfirm: null | { c1: string; c2: string; authId: string; step: number }
  /** The live verification code (emailed), the send times, and codes voided since (never to open). */
  code: null | { code: string; purpose: string; sentAt: number; expiresAt: number; attempts: number }
  sent: number[]
  voided: string[]
  /** The last code sent since the record was last emptied: a record holding it lives at least an hour after. */
  lastSent: number
}

/** Whether the store dropped a record holding only an expired pending enrollment (and no code sent in the hour). */
const dropped = (m: Model, now: number) =>
  m.auths.length === 0 && m.pending !== null && now >= Math.max(m.pending.expiresAt + TTL, m.lastSent + HOUR)

interface Real {
  mfa: MFA
  clock: ReturnType<typeof fakeClock>
  sensitive: Secrets
  /** Every code `sendCode` delivered, oldest first. */
  inbox: string[]
}

type Result = { ok: boolean; [k: string]: unknown }
const stepNow = (r: Real) => Math.floor(r.clock.t / STEP_MS)

async function inWindow(secret: string, r: Real, code: string, span = 4) {
  for (let k = -span; k <= span; k++) if ((await codeAt(secret, r.clock.t, k)) === code) return true
  return false
}

/** A 6-digit code that matches no step of any secret from 4 before to 4 after now. */
async function wrongCode(r: Real, secrets: string[]): Promise<string> {
  const taken = new Set<string>()
  for (const s of secrets) for (let k = -4; k <= 4; k++) taken.add(await codeAt(s, r.clock.t, k))
  for (let n = 0; ; n++) {
    const c = String((n * 7919 + 123457) % 1_000_000).padStart(6, '0')
    if (!taken.has(c)) return c
  }
}

function fail(m: Model, now: number): Result {
  m.failures++
  if (m.failures < POLICY.maxFailures) return { ok: false, reason: 'invalid' }
  const retryAfterMs = Math.min(POLICY.lockBaseMs * 2 ** (m.failures - POLICY.maxFailures), POLICY.lockMaxMs)
  m.lockedUntil = now + retryAfterMs
  return { ok: false, reason: 'invalid', retryAfterMs }
}

function killAll(m: Model) {
  m.dead.push(...m.auths.map((a) => a.secret))
  m.spent.push(...m.recovery)
  m.auths = []
  m.recovery = []
  m.recoveryIssued = false
  m.failures = 0
  m.lockedUntil = 0
  m.pending = null
  m.unsaved = null
  m.lastConfirm = null
  // disable, reset and removing the last authenticator leave a record with nothing in it: no code, no send times
  if (m.code) m.voided.push(m.code.code)
  m.code = null
  m.sent = []
  m.lastSent = Number.NEGATIVE_INFINITY
}

/** A security change (a removal, new recovery codes) cancels the pending enrollment: its codes never pass again. */
function cancelPending(m: Model) {
  if (m.pending) m.dead.push(m.pending.secret)
  m.pending = null
}

type ProofKind = 'prev' | 'current' | 'next' | 'wrong' | 'dead' | 'recovery' | 'spent' | 'malformed' | 'none'
type Op = 'verify' | 'disable' | 'regenerate' | 'remove' | 'begin'

/** What is typed as a code or proof, and what the model says it is. */
async function typed(m: Model, r: Real, kind: ProofKind, pick: number) {
  const t = stepNow(r)
  const a = m.auths.length > 0 ? m.auths[pick % m.auths.length]! : null
  const live = [...m.auths.map((x) => x.secret), ...(m.pending ? [m.pending.secret] : [])]
  if ((kind === 'prev' || kind === 'current' || kind === 'next') && a) {
    const step = t + { prev: -1, current: 0, next: 1 }[kind]
    const code = await codeAt(a.secret, step * STEP_MS)
    // astronomically unlikely: the code is also another live secret's; skip rather than guess
    for (const s of live) if (s !== a.secret && (await inWindow(s, r, code))) return null
    r.sensitive.codes.add(code)
    return { input: 'totp' as const, code, auth: a, step }
  }
  if (kind === 'dead' && m.dead.length > 0) {
    const code = await codeAt(m.dead[pick % m.dead.length]!, r.clock.t)
    for (const s of live) if (await inWindow(s, r, code)) return null
    r.sensitive.codes.add(code)
    return { input: 'nothing' as const, code }
  }
  if (kind === 'recovery' && m.recovery.length > 0) {
    return { input: 'recovery' as const, code: m.recovery[pick % m.recovery.length]! }
  }
  if (kind === 'spent' && m.spent.length > 0)
    return { input: 'nothing' as const, code: m.spent[pick % m.spent.length]! }
  if (kind === 'malformed') {
    const code = ['', '12345', 'abc def', '1234567890123', ' '][pick % 5]!
    // an empty field is no proof at all (proof_required where one is needed, malformed for a login)
    return code.trim() === '' ? { input: 'none' as const, code } : { input: 'malformed' as const, code }
  }
  if (kind === 'none') return { input: 'none' as const, code: undefined }
  const code = await wrongCode(r, [...live, ...m.dead])
  r.sensitive.codes.add(code)
  return { input: 'nothing' as const, code }
}

/**
 * The model's verdict on a proof (the rules of a login): null when it passed (and its effects are applied), else
 * the refusal.
 */
function judge(
  m: Model,
  now: number,
  t: number,
  proof: NonNullable<Awaited<ReturnType<typeof typed>>>,
  needsProof: boolean,
): { refusal: Result } | { method: 'totp' | 'recovery'; authenticatorId?: string } {
  if (m.auths.length === 0) return { refusal: { ok: false, reason: 'not_enrolled' } }
  if (now < m.lockedUntil) return { refusal: { ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now } }
  if (proof.input === 'none') {
    return { refusal: needsProof ? { ok: false, reason: 'proof_required' } : { ok: false, reason: 'malformed' } }
  }
  if (proof.input === 'malformed') return { refusal: { ok: false, reason: 'malformed' } }
  if (proof.input === 'recovery') {
    m.recovery = m.recovery.filter((c) => c !== proof.code)
    m.spent.push(proof.code)
    // whoever uses one has the codes: they are not shown again
    m.unsaved = null
    m.failures = 0
    m.lockedUntil = 0
    return { method: 'recovery' }
  }
  if (proof.input === 'totp' && Math.abs(proof.step - (t + proof.auth.drift)) <= 1) {
    if (proof.step <= proof.auth.lastStep) return { refusal: { ok: false, reason: 'replayed' } }
    proof.auth.lastStep = proof.step
    if (Math.abs(proof.step - t) <= 1) proof.auth.drift = proof.step - t
    m.failures = 0
    m.lockedUntil = 0
    return { method: 'totp', authenticatorId: proof.auth.id }
  }
  return { refusal: fail(m, now) }
}

class ProofCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly op: Op,
    readonly kind: ProofKind,
    readonly pick: number,
    readonly target: number,
  ) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const now = r.clock.t
    const t = stepNow(r)
    const proof = await typed(m, r, this.kind, this.pick)
    if (proof === null) return
    const lockedBefore = now < m.lockedUntil
    const spentBefore = [...m.spent]
    const removeId = this.target < m.auths.length ? m.auths[this.target]!.id : 'unknown-id'
    const code = proof.code as string

    let actual: Result
    if (this.op === 'verify') actual = await r.mfa.verify('u', code)
    else if (this.op === 'disable') actual = await r.mfa.disable('u', code)
    else if (this.op === 'regenerate') actual = await r.mfa.regenerateRecoveryCodes('u', code)
    else if (this.op === 'remove') actual = await r.mfa.removeAuthenticator('u', removeId, code)
    else
      actual = await r.mfa.beginEnrollment('u', {
        accountName: 'u@example.com',
        ...(code === undefined ? {} : { proof: code }),
      })

    // Safety, independently of the model's bookkeeping.
    if (actual.ok && (this.op !== 'begin' || m.auths.length > 0)) {
      expect(lockedBefore, 'a locked user was let in').toBe(false)
      expect(spentBefore, 'a spent recovery code was accepted').not.toContain(code)
      expect(proof.input === 'totp' || proof.input === 'recovery', 'a code of no live authenticator passed').toBe(true)
    }

    let expected: Result
    if (this.op === 'begin' && m.auths.length >= POLICY.maxAuthenticators)
      expected = { ok: false, reason: 'limit_reached' }
    else if (this.op === 'begin' && m.auths.length === 0) expected = this.begin(m, r, actual)
    else if (this.op === 'remove' && m.auths.length > 0 && removeId === 'unknown-id') {
      expected = { ok: false, reason: 'not_found' }
    } else {
      const verdict = judge(m, now, t, proof, this.op !== 'verify')
      if ('refusal' in verdict) expected = verdict.refusal
      else if (this.op === 'verify') {
        expected = verdict.method === 'totp' ? { ok: true, ...verdict } : { ok: true, method: 'recovery' }
      } else if (this.op === 'disable') {
        killAll(m)
        expected = { ok: true }
      } else if (this.op === 'remove') {
        const removed = m.auths.find((a) => a.id === removeId)!
        if (m.auths.length === 1) killAll(m)
        else {
          m.auths = m.auths.filter((a) => a !== removed)
          m.dead.push(removed.secret)
          cancelPending(m)
        }
        expected = { ok: true }
      } else if (this.op === 'regenerate') {
        cancelPending(m)
        m.recoveryIssued = true
        m.spent.push(...m.recovery)
        m.recovery = actual.ok ? (actual.recoveryCodes as string[]) : []
        expect(m.recovery).toHaveLength(POLICY.recoveryCodes)
        m.unsaved = { codes: m.recovery, authId: null, issuedAt: now, expiresAt: now + UNSAVED_TTL }
        for (const c of m.recovery) r.sensitive.recovery.add(c)
        expected = { ok: true, recoveryCodes: m.recovery }
      } else expected = this.begin(m, r, actual)
    }
    expect(actual).toEqual(expected)
  }
  /** A begin that passed its gate: the model takes the new pending enrollment from the result. */
  begin(m: Model, r: Real, actual: Result): Result {
    expect(actual.ok).toBe(true)
    const secret = actual.secret as string
    r.sensitive.secrets.add(secret)
    const expiresAt = r.clock.t + TTL
    m.pending = { id: actual.authenticatorId as string, secret, expiresAt, attempts: 0, lastWrite: r.clock.t }
    return { ok: true, authenticatorId: m.pending.id, secret, uri: actual.uri, expiresAt }
  }
  toString() {
    return `${this.op}(${this.kind}, ${this.pick}, ${this.target})`
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
      if (p && (await inWindow(p.secret, r, c2))) return
    }
    r.sensitive.codes.add(c1)
    r.sensitive.codes.add(c2)
    const actual = await r.mfa.confirmEnrollment('u', c1, c2)

    let expected: Result
    // nothing pending: only the last confirmation's own two codes could answer (wrong ones here never do)
    if (p === null) expected = { ok: false, reason: 'not_pending' }
    else if (now >= p.expiresAt) {
      // a record holding only the pending enrollment is dropped by the store one TTL after it expired
      expected = { ok: false, reason: dropped(m, now) ? 'not_pending' : 'enrollment_expired' }
      m.pending = null
    } else if (now < m.lockedUntil) {
      // a user locked out after failed codes cannot confirm a phone either
      expected = { ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now }
    } else if (p.attempts >= POLICY.maxEnrollmentAttempts) expected = { ok: false, reason: 'enrollment_locked' }
    else if (m.auths.length >= POLICY.maxAuthenticators) expected = { ok: false, reason: 'limit_reached' }
    else if (this.kind === 'good') {
      const first = m.auths.length === 0
      const codes = actual.ok ? actual.recoveryCodes : []
      expect(codes).toHaveLength(first ? POLICY.recoveryCodes : 0)
      if (first) {
        m.recovery = codes
        m.recoveryIssued = true
        m.unsaved = { codes, authId: p.id, issuedAt: now, expiresAt: now + UNSAVED_TTL }
      }
      m.lastConfirm = { c1, c2, authId: p.id, step: stepNow(r) }
      for (const c of codes) r.sensitive.recovery.add(c)
      m.auths.push({ id: p.id, secret: p.secret, lastStep: stepNow(r), drift: 0 })
      m.pending = null
      expected = { ok: true, authenticatorId: p.id, recoveryCodes: codes }
    } else {
      p.attempts++
      expected = { ok: false, reason: this.kind === 'reversed' ? 'reversed' : 'invalid' }
    }
    expect(actual).toEqual(expected)
  }
  toString() {
    return `confirm(${this.kind})`
  }
}

class ImportCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly viaURI: boolean,
    readonly recoveryCodes: boolean,
  ) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    // a record holding only a pending enrollment was dropped by the store one TTL after it expired
    if (dropped(m, r.clock.t)) m.pending = null
    const bytes = crypto.getRandomValues(new Uint8Array(20))
    const secret = encodeBase32(bytes)
    r.sensitive.secrets.add(secret)
    const source = this.viaURI ? { uri: `otpauth://totp/Old:u?secret=${secret}&issuer=Old` } : { secret: bytes }
    const actual = await r.mfa.importAuthenticator('u', { ...source, recoveryCodes: this.recoveryCodes })
    if (m.auths.length >= POLICY.maxAuthenticators) {
      expect(actual).toEqual({ ok: false, reason: 'limit_reached' })
      return
    }
    expect(actual.ok).toBe(true)
    if (!actual.ok) return
    m.auths.push({ id: actual.authenticatorId, secret, lastStep: -1, drift: 0 })
    if (this.recoveryCodes) {
      if (m.recoveryIssued) cancelPending(m)
      m.recoveryIssued = true
      m.spent.push(...m.recovery)
      m.unsaved = null
      m.recovery = actual.recoveryCodes ?? []
      expect(m.recovery).toHaveLength(POLICY.recoveryCodes)
      for (const c of m.recovery) r.sensitive.recovery.add(c)
    } else expect(actual.recoveryCodes).toBeUndefined()
  }
  toString() {
    return `import(${this.viaURI ? 'uri' : 'bytes'}, ${this.recoveryCodes})`
  }
}

class ResetCommand implements fc.AsyncCommand<Model, Real> {
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    expect(await r.mfa.reset('u', { actor: 'support', reason: 'phone lost' })).toEqual({ ok: true })
    killAll(m)
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
    const active = m.auths.length > 0
    expect(s.state).toBe(active ? 'active' : pendingLive ? 'pending' : 'none')
    expect(s.authenticators).toBe(active ? m.auths.length : undefined)
    expect(s.recoveryCodesLeft).toBe(active ? m.recovery.length : undefined)
    expect(s.lockedUntil).toBe(active && now < m.lockedUntil ? m.lockedUntil : undefined)
    expect(s.pendingExpiresAt).toBe(pendingLive ? m.pending?.expiresAt : undefined)
    const unsavedLive = active && m.unsaved !== null && now < m.unsaved.expiresAt
    expect(s.unsavedRecoveryCodesUntil).toBe(unsavedLive ? m.unsaved?.expiresAt : undefined)
    expect(s.pendingAuthenticatorId).toBe(pendingLive ? m.pending?.id : undefined)
    expect((await r.mfa.listAuthenticators('u')).map((a) => a.id)).toEqual(m.auths.map((a) => a.id))
  }
  toString() {
    return 'status'
  }
}

/** The last successful confirmation submitted again (a double click, a reload), with nothing pending. */
class RepeatConfirmCommand implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>) {
    return m.lastConfirm !== null && m.pending === null
  }
  async run(m: Model, r: Real) {
    const last = m.lastConfirm!
    const now = r.clock.t
    const t = stepNow(r)
    const actual = await r.mfa.confirmEnrollment('u', last.c1, last.c2)
    const newest = m.auths.at(-1)
    // the same confirmation only while nothing happened since: its authenticator is the newest, unused since, and
    // the consumed step is still within the enrollment window (2 back, 1 ahead)
    const repeatable =
      newest?.id === last.authId && newest.lastStep === last.step && t - last.step <= 2 && last.step - t <= 1
    if (!repeatable) return void expect(actual).toEqual({ ok: false, reason: 'not_pending' })
    const u = m.unsaved
    const codes = u && now < u.expiresAt && u.authId === last.authId ? u.codes : []
    expect(actual).toEqual({ ok: true, authenticatorId: last.authId, recoveryCodes: codes })
  }
  toString() {
    return 'confirm(again)'
  }
}

/** Recovery codes shown again, or acknowledged. */
class UnsavedCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly acknowledge: boolean) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    if (this.acknowledge) {
      expect(await r.mfa.acknowledgeRecoveryCodes('u')).toEqual({ ok: true })
      m.unsaved = null
      return
    }
    const actual = await r.mfa.unsavedRecoveryCodes('u')
    const u = m.unsaved
    if (u === null || r.clock.t >= u.expiresAt) return void expect(actual).toBeNull()
    expect(actual).toEqual({ recoveryCodes: u.codes, issuedAt: u.issuedAt, expiresAt: u.expiresAt })
    // safety: every code shown again still works (none spent or replaced)
    for (const c of actual?.recoveryCodes ?? []) expect(m.recovery).toContain(c)
  }
  toString() {
    return this.acknowledge ? 'acknowledgeRecoveryCodes' : 'unsavedRecoveryCodes'
  }
}

class CancelCommand implements fc.AsyncCommand<Model, Real> {
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const p = m.pending
    const actual = await r.mfa.cancelEnrollment('u')
    if (p === null || r.clock.t >= p.expiresAt) expect(actual).toEqual({ ok: false, reason: 'not_pending' })
    else expect(actual).toEqual({ ok: true, authenticatorId: p.id })
    cancelPending(m)
  }
  toString() {
    return 'cancel'
  }
}

/** The verification-code policy of the model (the defaults): 10 minutes, 3 attempts, 60 s cooldown, 5 an hour. */
const CODES = { ttl: 600_000, attempts: 3, cooldown: 60_000, perHour: 5 }

/** How long until the next send may go out: the cooldown, and the hourly allowance (the model's own arithmetic). */
function sendWait(sent: number[], now: number) {
  const last = sent.at(-1)
  const cooldown = last === undefined ? 0 : Math.max(last + CODES.cooldown - now, 0)
  const limit = sent.length >= CODES.perHour ? Math.max(sent[sent.length - CODES.perHour]! + HOUR - now, 1) : 0
  return { cooldown, limit }
}

class SendCodeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly purpose: 'enroll' | 'change_email') {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const now = r.clock.t
    // a record the store dropped (an expired pending enrollment) is created anew
    if (dropped(m, now)) m.pending = null
    const actual = await r.mfa.sendVerificationCode('u', {
      channel: 'email',
      destination: 'u@example.com',
      purpose: this.purpose,
    })
    if (now < m.lockedUntil) {
      return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now })
    }
    const sent = m.sent.filter((t) => t > now - HOUR)
    const wait = sendWait(sent, now)
    if (wait.limit > 0 || wait.cooldown > 0) {
      const reason = wait.limit > 0 ? 'limit_reached' : 'too_soon'
      return void expect(actual).toEqual({ ok: false, reason, retryAfterMs: Math.max(wait.limit, wait.cooldown) })
    }
    m.sent = [...sent, now]
    m.lastSent = now
    const next = sendWait(m.sent, now)
    expect(actual).toEqual({ ok: true, expiresAt: now + CODES.ttl, resendAfterMs: Math.max(next.cooldown, next.limit) })
    const code = r.inbox.at(-1)!
    r.sensitive.codes.add(code)
    if (m.code && m.code.code !== code) m.voided.push(m.code.code)
    m.code = { code, purpose: this.purpose, sentAt: now, expiresAt: now + CODES.ttl, attempts: 0 }
  }
  toString() {
    return `sendCode(${this.purpose})`
  }
}

type TypedCode = 'right' | 'wrong' | 'voided' | 'malformed'

class CheckCodeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: TypedCode,
    readonly purpose: 'enroll' | 'change_email',
  ) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    const now = r.clock.t
    if (dropped(m, now)) m.pending = null
    const live = m.code
    let typed: string
    if (this.kind === 'right' && live) typed = live.code
    else if (this.kind === 'voided' && m.voided.length > 0) typed = m.voided.at(-1)!
    else if (this.kind === 'malformed') typed = '12 34'
    else typed = live?.code === '000000' ? '000001' : '000000'
    // a voided code whose digits happen to be the live code's is that code: not a voided one
    const voided = this.kind === 'voided' && typed !== live?.code && m.voided.includes(typed)
    const actual = await r.mfa.checkVerificationCode('u', typed, { purpose: this.purpose })
    if (voided) expect(actual.ok, 'a voided code opened').toBe(false)
    if (now < m.lockedUntil) {
      return void expect(actual).toEqual({ ok: false, reason: 'locked', retryAfterMs: m.lockedUntil - now })
    }
    if (!live) return void expect(actual).toEqual({ ok: false, reason: 'no_code' })
    if (now >= live.expiresAt) {
      // an hour after it was sent, any write may already have forgotten it, whatever purpose is asked for
      const forgotten = now >= live.sentAt + HOUR && !actual.ok && actual.reason === 'no_code'
      if (forgotten || live.purpose === this.purpose) {
        m.voided.push(live.code)
        m.code = null
        if (forgotten) return
        return void expect(actual).toEqual({ ok: false, reason: 'expired' })
      }
    }
    if (live.purpose !== this.purpose) return void expect(actual).toEqual({ ok: false, reason: 'purpose_mismatch' })
    if (this.kind === 'malformed') return void expect(actual).toEqual({ ok: false, reason: 'malformed' })
    if (typed === live.code) {
      m.code = null
      m.voided.push(live.code)
      if (m.auths.length === 0) {
        m.failures = 0
        m.lockedUntil = 0
      }
      return void expect(actual).toEqual({ ok: true, channel: 'email' })
    }
    live.attempts++
    const attemptsLeft = CODES.attempts - live.attempts
    if (attemptsLeft === 0) {
      m.voided.push(live.code)
      m.code = null
    }
    expect(actual).toEqual({ ...fail(m, now), attemptsLeft })
  }
  toString() {
    return `checkCode(${this.kind}, ${this.purpose})`
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

const kinds: ProofKind[] = ['prev', 'current', 'next', 'wrong', 'dead', 'recovery', 'spent', 'malformed', 'none']
const tick = fc
  .constantFrom(1_000, 5_000, 15_000, 25_000, 30_000, 30_000, 90_000, 300_000, 660_000, 1_200_000)
  .map((ms) => new TickCommand(ms))
const commands = [
  fc.constantFrom('good', 'good', 'reversed', 'wrong').map((k) => new ConfirmCommand(k as 'good')),
  ...Array.from({ length: 4 }, () =>
    fc
      .tuple(
        fc.constantFrom<Op>('verify', 'verify', 'verify', 'begin', 'begin', 'remove', 'regenerate'),
        fc.constantFrom(...kinds),
        fc.nat(20),
        fc.nat(3),
      )
      .map(([op, kind, pick, target]) => new ProofCommand(op, kind, pick, target)),
  ),
  fc.tuple(fc.boolean(), fc.boolean()).map(([uri, codes]) => new ImportCommand(uri, codes)),
  fc.constant(new StatusCommand()),
  fc.constant(new RepeatConfirmCommand()),
  fc.boolean().map((acknowledge) => new UnsavedCommand(acknowledge)),
  fc.constant(new CancelCommand()),
  fc.constantFrom('enroll', 'change_email', 'enroll').map((p) => new SendCodeCommand(p as 'enroll')),
  fc
    .tuple(
      fc.constantFrom<TypedCode>('right', 'right', 'wrong', 'voided', 'malformed'),
      fc.constantFrom('enroll', 'enroll', 'change_email'),
    )
    .map(([kind, purpose]) => new CheckCodeCommand(kind, purpose as 'enroll')),
  tick,
  tick,
]
// Rare on purpose: a reset or a disable ends the interesting part of a run.
const rare = [
  fc.constant(new ResetCommand()),
  fc.tuple(fc.constantFrom(...kinds), fc.nat(20)).map(([kind, pick]) => new ProofCommand('disable', kind, pick, 0)),
]

describe('createMFA against a reference model', () => {
  it('matches the model with several authenticators, imports and removals, and never reaches a forbidden state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands([...commands, ...commands, ...commands, ...rare], { maxCommands: 50, size: 'max' }),
        fc.nat(STEP_MS - 1),
        fc.boolean(),
        async (cmds, offset, preEnrolled) => {
          const clock = fakeClock(T0 - 5_000 + offset)
          const events: MFAEvent[] = []
          const inbox: string[] = []
          // every record written, to check that none holds a recovery code in clear
          const memory = memoryStore({ now: clock.now })
          const written: string[] = []
          const store: MFAStore = {
            get: (key) => memory.get(key),
            set: (key, data, expected, options) => {
              written.push(data)
              return memory.set(key, data, expected, options)
            },
            delete: (key, expected) => memory.delete(key, expected),
          }
          const mfa = createMFA({
            store,
            issuer: 'Model',
            now: clock.now,
            policy: POLICY,
            encryptionKeys: KEYS,
            onEvent: (e) => void events.push(e),
            sendCode: (message: VerificationCodeMessage) => void inbox.push(message.code),
          })
          const sensitive: Secrets = { secrets: new Set(), codes: new Set(), recovery: new Set() }
          const model: Model = {
            auths: [],
            failures: 0,
            lockedUntil: 0,
            recovery: [],
            recoveryIssued: false,
            pending: null,
            dead: [],
            spent: [],
            unsaved: null,
            lastConfirm: null,
            code: null,
            sent: [],
            voided: [],
            lastSent: Number.NEGATIVE_INFINITY,
          }
          const real: Real = { mfa, clock, sensitive, inbox }
          // Half the runs start with an enrolled user, so long sequences explore the active states.
          if (preEnrolled) {
            await new ProofCommand('begin', 'none', 0, 0).run(model, real)
            await new ConfirmCommand('good').run(model, real)
          }
          await fc.asyncModelRun(() => ({ model, real }), cmds)
          if (events.length > 0) expectCleanEvents(events, sensitive)
          for (const data of written) {
            for (const c of sensitive.recovery) {
              expect(data).not.toContain(c)
              expect(data).not.toContain(c.replace(/-/g, ''))
            }
          }
        },
      ),
      { numRuns: NUM_RUNS },
    )
  }, 120_000)
})
