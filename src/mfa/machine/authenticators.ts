// The user's authenticators besides enrollment: remove (after a proof), import (the application vouches), rename, list.
import type { AuthenticatorInfo, MFAPolicy, RemoveReason } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import { type Authenticator, emptyRecord, isTOTP, type MFARecord } from '../record/shapes.js'
import type { NewSecret } from './enrollment.js'
import { type ClosedGate, type CodeGate, proofGate, refuseClosed } from './gates.js'
import { securityChange } from './security-change.js'
import { type ProofEvidence, proveStepUp } from './step-up.js'
import { turnOff } from './turn-off.js'
import type { FreshRecoveryCodes, NeedsRecovery, Refusal, Transition } from './types.js'

/** A gate for `removeAuthenticator`: `not_found` before any code is looked at (nothing is consumed for nothing). */
export function removeGate(
  record: MFARecord | null,
  authenticatorId: string,
  hasProof: boolean,
  now: number,
  policy: MFAPolicy,
): ClosedGate<RemoveReason> | CodeGate {
  if (record && record.authenticators.length > 0 && !record.authenticators.some((a) => a.id === authenticatorId)) {
    return { reason: 'not_found' }
  }
  return proofGate(record, hasProof, now, policy)
}

/**
 * Removes one authenticator after a proof (any authenticator's code, the removed one's included, or a recovery
 * code). Removing the last one is `disable`. A security change: trusted devices are revoked, a pending enrollment is
 * cancelled and the generation moves on. A closed gate is refused as is.
 */
export function removeAuthenticator(
  record: MFARecord | null,
  authenticatorId: string,
  gate: ClosedGate<RemoveReason> | CodeGate,
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
): Transition<{ ok: true } | Refusal<RemoveReason>> {
  if ('reason' in gate) return refuseClosed(gate)
  const rec = record as MFARecord
  const outcome = proveStepUp(rec, gate, evidence, now, policy, 'remove')
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const entry = rec.authenticators.find((a) => a.id === authenticatorId)
  const removed: MFAEventDraft = { type: 'authenticator_removed', authenticatorId }
  if (entry) removed.kind = isTOTP(entry) ? 'totp' : 'webauthn'
  const rest = p.next.authenticators.filter((a) => a.id !== authenticatorId)
  if (rest.length === 0) return turnOff(rec, p, now, [removed])
  const changed = securityChange({ ...p.next, authenticators: rest }, now)
  return { result: { ok: true }, next: changed.next, events: [...p.events, removed, ...changed.events] }
}

/** An authenticator brought in by the application (a migration): its secret sealed, parameters checked. */
export interface ImportedSecret extends NewSecret {
  lastStep: number
}

/** A successful import; the fresh recovery codes when they were asked for. */
export type ImportSuccess = { ok: true; authenticatorId: string; recoveryCodes?: string[] }

/** A gate for `importAuthenticator`: `limit_reached` at `maxAuthenticators`. */
export function importGate(record: MFARecord | null, policy: MFAPolicy): ClosedGate<'limit_reached'> | { open: true } {
  return (record?.authenticators.length ?? 0) >= policy.maxAuthenticators ? { reason: 'limit_reached' } : { open: true }
}

/**
 * Adds an imported authenticator, active at once (no codes: the application vouches for it), or `limit_reached`
 * from a closed gate. With `recoveryCodes` (the application asked for them), the user's recovery codes are replaced
 * by fresh ones, which come back in the result.
 */
export function importAuthenticator(
  record: MFARecord | null,
  gate: ClosedGate<'limit_reached'> | { open: true },
  imported: ImportedSecret,
  recoveryCodes: boolean,
  now: number,
): Transition<ImportSuccess | Refusal<'limit_reached'>> | NeedsRecovery<ImportSuccess | Refusal<'limit_reached'>> {
  if ('reason' in gate) return { result: { ok: false, reason: gate.reason }, events: [] }
  const base = record ?? emptyRecord()
  const added: Authenticator = { ...imported, createdAt: now, lastUsedAt: null, drift: 0 }
  const next: MFARecord = { ...base, authenticators: [...base.authenticators, added], enabledAt: base.enabledAt ?? now }
  const events: MFAEventDraft[] = [{ type: 'imported', authenticatorId: imported.id, kind: 'totp' }]
  if (!recoveryCodes) return { result: { ok: true, authenticatorId: imported.id }, next, events }
  return {
    needsRecovery: (fresh: FreshRecoveryCodes) => {
      // the application holds these codes; any unsaved ones were replaced
      let withCodes: MFARecord = { ...next, recovery: fresh.digests, unsaved: null }
      const all = [...events]
      // replacing codes the user had is a security change, as regenerateRecoveryCodes
      if (base.recovery) {
        const changed = securityChange(withCodes, now)
        withCodes = changed.next
        all.push(...changed.events)
      }
      all.push({ type: 'recovery_regenerated', recoveryCodesLeft: fresh.digests.digests.length })
      return {
        result: { ok: true, authenticatorId: imported.id, recoveryCodes: fresh.codes },
        next: withCodes,
        events: all,
      }
    },
  }
}

/** Renames an authenticator (no proof: a label protects nothing). */
export function rename(
  record: MFARecord | null,
  authenticatorId: string,
  label: string,
): Transition<{ ok: true } | Refusal<'not_found'>> {
  const found = record?.authenticators.some((a) => a.id === authenticatorId)
  if (!record || !found) return { result: { ok: false, reason: 'not_found' }, events: [] }
  return {
    result: { ok: true },
    next: {
      ...record,
      authenticators: record.authenticators.map((a) => (a.id === authenticatorId ? { ...a, label } : a)),
    },
    events: [{ type: 'authenticator_renamed', authenticatorId }],
  }
}

/** The user's authenticators, apps and security keys, in the order they were added; never a secret or public key. */
export function list(record: MFARecord | null): AuthenticatorInfo[] {
  return (record?.authenticators ?? []).map((a): AuthenticatorInfo => {
    const { id, label, createdAt, lastUsedAt } = a
    if (isTOTP(a)) {
      const { algorithm, digits, period } = a
      return { kind: 'totp', id, label, createdAt, lastUsedAt, algorithm, digits, period }
    }
    const { transports, backupEligible, backedUp, aaguid } = a
    return {
      kind: 'webauthn',
      id,
      label,
      createdAt,
      lastUsedAt,
      transports: [...transports],
      backupEligible,
      backedUp,
      aaguid,
    }
  })
}
