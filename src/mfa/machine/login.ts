// Login: a fresh code of any authenticator or an unused recovery code; it may also trust the device and hand out the
// claims of a step-up proof for the service to sign.
import type { CodeReason, MFAPolicy } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import type { MFARecord } from '../record/shapes.js'
import { type ClosedGate, type CodeGate, refuseClosed } from './gates.js'
import { type CodeEvidence, prove, withId } from './prove.js'
import type { ProofClaims } from './step-up.js'
import { type FreshDevice, trustDevice } from './trusted-devices.js'
import type { Proved, Refusal, Transition } from './types.js'

/** The result of a successful code check. */
export type CodeSuccess =
  | { ok: true; method: 'totp' | 'webauthn'; authenticatorId: string }
  | { ok: true; method: 'recovery' }

const success = (p: Proved): CodeSuccess =>
  p.method === 'recovery'
    ? { ok: true, method: 'recovery' }
    : { ok: true, method: p.method, authenticatorId: p.authenticatorId as string }

/** What a login may also do: issue a step-up proof (`proof`), trust the device it came from (`trust`). */
export interface VerifyExtras {
  proof?: boolean
  trust?: FreshDevice
}

/**
 * A successful login; with the device trusted (its id and expiry, ms) and the claims of the step-up proof to sign
 * (the record's generation once this login is written), when they were asked for.
 */
export type VerifySuccess = CodeSuccess & {
  device?: { id: string; expiresAt: number }
  claims?: Omit<ProofClaims, 'kid'>
}

/**
 * A login: a fresh code of any authenticator, a security key's assertion, or an unused recovery code. On success it may also trust a device
 * (over `maxTrustedDevices` the oldest is revoked) and announce the step-up proof the service will sign. A closed
 * gate (`not_enrolled`, `locked`) is refused without looking at the code.
 */
export function verify(
  record: MFARecord | null,
  gate: ClosedGate<'not_enrolled' | 'locked'> | CodeGate,
  evidence: CodeEvidence | null,
  now: number,
  policy: MFAPolicy,
  extras: VerifyExtras = {},
): Transition<VerifySuccess | Refusal<CodeReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const outcome = prove(record as MFARecord, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const verified: MFAEventDraft = { type: 'verified', method: p.method }
  if (p.method !== 'recovery') verified.kind = p.method
  const events = [withId(verified, p.authenticatorId), ...p.events]
  const result: VerifySuccess = success(p)
  let next = p.next
  if (extras.proof) {
    events.push(withId({ type: 'proof_issued', method: p.method }, p.authenticatorId))
    const authenticatorId = p.authenticatorId ?? null
    result.claims = { verifiedAt: now, generation: next.generation, method: p.method, authenticatorId }
  }
  if (extras.trust) {
    const { devices, dropped } = trustDevice(next.devices, extras.trust, now, policy.maxTrustedDevices)
    next = { ...next, devices }
    events.push(...dropped.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'limit' })))
    events.push({ type: 'device_trusted', deviceId: extras.trust.id })
    result.device = { id: extras.trust.id, expiresAt: now + extras.trust.ttlMs }
  }
  return { result, next, events }
}
