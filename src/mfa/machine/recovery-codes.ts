// Recovery codes: new ones after a proof, and the window in which codes just issued can be shown again until the user
// acknowledges them. The codes, their digests and their sealed copy are made by the service (../recovery.ts,
// ../encryption.ts) only once a rule keeps them, and come back in the result.
import type { MFAPolicy, ProofReason } from '../api.js'
import type { MFARecord, SealedCodes, UnsavedRecovery } from '../record/shapes.js'
import { type ClosedGate, type CodeGate, refuseClosed } from './gates.js'
import { securityChange } from './security-change.js'
import { type ProofEvidence, proveStepUp } from './step-up.js'
import type { FreshRecoveryCodes, NeedsRecovery, Refusal, Transition } from './types.js'

/**
 * The window of codes just issued: their sealed copy (null without keys), the authenticator whose confirmation
 * issued them (null for a regeneration), from now for `policy.unsavedRecoveryCodesTTLMs`; null when the policy keeps
 * no window (0).
 */
export function unsavedFor(
  fresh: FreshRecoveryCodes,
  authenticatorId: string | null,
  now: number,
  policy: MFAPolicy,
): UnsavedRecovery | null {
  const ttl = policy.unsavedRecoveryCodesTTLMs
  return ttl === 0 ? null : { sealed: fresh.sealed, authenticatorId, issuedAt: now, expiresAt: now + ttl }
}

/** The unsaved codes of a record that can still be shown at `now`, or null. */
export function liveUnsaved(record: MFARecord | null, now: number): UnsavedRecovery | null {
  const unsaved = record?.unsaved
  return unsaved && now < unsaved.expiresAt ? unsaved : null
}

/** Sealed codes to open for the caller, with the digests their sealing is bound to. */
export interface SealedShown {
  sealed: SealedCodes
  digests: string[]
}

/** Unsaved codes as a rule shows them: to open (`sealed`) or already in hand (a fresh set, without keys). */
export type ShownCodes = { issuedAt: number; expiresAt: number } & (
  | { sealed: SealedShown }
  | { recoveryCodes: string[] }
)

/**
 * Shows live unsaved codes again, as `wrap` puts them in a result: sealed ones are opened by the service and
 * change nothing; without a sealed copy (no keys) a fresh set replaces them, in the same window, so what the user
 * sees last always works (event `recovery_regenerated`).
 */
function showAgain<R>(
  record: MFARecord,
  unsaved: UnsavedRecovery,
  wrap: (shown: ShownCodes) => R,
): Transition<R> | NeedsRecovery<R> {
  const { issuedAt, expiresAt } = unsaved
  if (unsaved.sealed && record.recovery) {
    const sealed = { sealed: unsaved.sealed, digests: record.recovery.digests }
    return { result: wrap({ issuedAt, expiresAt, sealed }), events: [] }
  }
  return {
    needsRecovery: (fresh) => ({
      result: wrap({ issuedAt, expiresAt, recoveryCodes: fresh.codes }),
      next: { ...record, recovery: fresh.digests, unsaved: { ...unsaved, sealed: fresh.sealed } },
      events: [{ type: 'recovery_regenerated', recoveryCodesLeft: fresh.digests.digests.length }],
    }),
  }
}

/** {@link MFA.unsavedRecoveryCodes}: the live unsaved codes shown again, or null. */
export function unsavedRecoveryCodes(
  record: MFARecord | null,
  now: number,
): Transition<ShownCodes | null> | NeedsRecovery<ShownCodes | null> {
  const unsaved = liveUnsaved(record, now)
  if (!record || !unsaved) return { result: null, events: [] }
  return showAgain<ShownCodes | null>(record, unsaved, (shown) => shown)
}

/**
 * A confirmation repeated (the same two codes: a double submit, a reload) answers as the first one did: the same
 * codes while they are unsaved and were issued by this authenticator's confirmation, else none. Nothing changes.
 */
export function repeatConfirmation(
  record: MFARecord,
  authenticatorId: string,
  now: number,
): Transition<RepeatedConfirmation> | NeedsRecovery<RepeatedConfirmation> {
  const unsaved = liveUnsaved(record, now)
  const none: RepeatedConfirmation = { ok: true, authenticatorId, recoveryCodes: [] }
  if (!unsaved || unsaved.authenticatorId !== authenticatorId) return { result: none, events: [] }
  return showAgain(record, unsaved, (shown) =>
    'sealed' in shown ? { ...none, sealed: shown.sealed } : { ...none, recoveryCodes: shown.recoveryCodes },
  )
}

/** A confirmation's success: the codes in hand, or (a repeated one, with keys) sealed codes for the service to open. */
export type RepeatedConfirmation = { ok: true; authenticatorId: string; recoveryCodes: string[]; sealed?: SealedShown }

/** {@link MFA.acknowledgeRecoveryCodes}: the unsaved codes are not kept any longer (nothing written when none). */
export function acknowledgeRecoveryCodes(record: MFARecord | null): Transition<{ ok: true }> {
  if (!record?.unsaved) return { result: { ok: true }, events: [] }
  return { result: { ok: true }, next: { ...record, unsaved: null }, events: [] }
}

/**
 * Replaces every recovery code after a proof; the old ones (also 0.1.0 digests) stop working. A security change:
 * trusted devices are revoked, a pending enrollment is cancelled and the generation moves on. The new codes can be
 * shown again until acknowledged. A closed gate is
 * refused as is.
 */
export function regenerateRecoveryCodes(
  record: MFARecord | null,
  gate: ClosedGate<ProofReason> | CodeGate,
  evidence: ProofEvidence | null,
  now: number,
  policy: MFAPolicy,
):
  | Transition<Refusal<ProofReason> | { ok: true; recoveryCodes: string[] }>
  | NeedsRecovery<Refusal<ProofReason> | { ok: true; recoveryCodes: string[] }> {
  if ('reason' in gate) return refuseClosed(gate)
  const rec = record as MFARecord
  const outcome = proveStepUp(rec, gate, evidence, now, policy, 'regenerate')
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const changed = securityChange(p.next, now)
  return {
    needsRecovery: (fresh) => ({
      result: { ok: true, recoveryCodes: fresh.codes },
      next: { ...changed.next, recovery: fresh.digests, unsaved: unsavedFor(fresh, null, now, policy) },
      events: [
        ...p.events,
        ...changed.events,
        { type: 'recovery_regenerated', recoveryCodesLeft: fresh.digests.digests.length },
      ],
    }),
  }
}
