// Login: a fresh code of any authenticator or an unused recovery code; it may also trust the device and announce
// a step-up proof.
import { trustDevice } from '../device.js'
import type { MFAEventDraft } from '../events.js'
import type { MFAPolicy } from '../policy.js'
import type { MFARecord } from '../record.js'
import type { CodeGate } from './gates.js'
import { type CodeEvidence, type Proved, prove, withId } from './prove.js'
import type { CodeReason, Refusal, Transition } from './types.js'

/** The result of a successful code check. */
export type CodeSuccess = { ok: true; method: 'totp'; authenticatorId: string } | { ok: true; method: 'recovery' }

const success = (p: Proved): CodeSuccess =>
  p.method === 'totp'
    ? { ok: true, method: 'totp', authenticatorId: p.authenticatorId as string }
    : { ok: true, method: 'recovery' }

/** A device to trust at login: its id and token digest (minted by the evidence side), label and lifetime (ms). */
export interface FreshDevice {
  id: string
  digest: string
  label: string
  ttlMs: number
}

/** What a login may also do: issue a step-up proof (`proof`), trust the device it came from (`trust`). */
export interface VerifyExtras {
  proof?: boolean
  trust?: FreshDevice
}

/** A successful login, with the device trusted (its id and expiry, ms) when one was asked for. */
export type VerifySuccess = CodeSuccess & { device?: { id: string; expiresAt: number } }

/**
 * A login: a fresh code of any authenticator, or an unused recovery code. On success it may also trust a device
 * (over `maxTrustedDevices` the oldest is revoked) and announce the step-up proof the service will sign.
 */
export function verify(
  record: MFARecord,
  gate: CodeGate,
  evidence: CodeEvidence,
  now: number,
  policy: MFAPolicy,
  extras: VerifyExtras = {},
): Transition<VerifySuccess | Refusal<CodeReason>> {
  const outcome = prove(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const events = [withId({ type: 'verified', method: p.method }, p.authenticatorId), ...p.events]
  const result: VerifySuccess = success(p)
  let next = p.next
  if (extras.proof) events.push(withId({ type: 'proof_issued', method: p.method }, p.authenticatorId))
  if (extras.trust) {
    const { devices, dropped } = trustDevice(next.devices, extras.trust, now, policy.maxTrustedDevices)
    next = { ...next, devices }
    events.push(...dropped.map((deviceId): MFAEventDraft => ({ type: 'device_revoked', deviceId, reason: 'limit' })))
    events.push({ type: 'device_trusted', deviceId: extras.trust.id })
    result.device = { id: extras.trust.id, expiresAt: now + extras.trust.ttlMs }
  }
  return { result, next, events }
}
