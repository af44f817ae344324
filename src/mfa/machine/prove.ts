// Proving with a code: a TOTP code consumes its step (replay protection), a recovery code is spent; every other
// failure counts against the user's one failure budget.
import { timingSafeEqualString } from '../../internal/bytes.js'
import type { CodeReason, MFAPolicy } from '../api.js'
import type { MFAEventDraft } from '../events.js'
import type { Authenticator, MFARecord, RecoveryDigests } from '../record/shapes.js'
import { type CodeGate, stepAt } from './gates.js'
import { type KeyEvidence, proveKey } from './key-assertions.js'
import { fail, refuse } from './refusal.js'
import type { Proved, Refusal, Transition } from './types.js'

/**
 * What the user typed, as the evidence side found it: not a code at all; a TOTP code and the authenticator and
 * step it matched (null: none among the gate's candidates); or the digest of a recovery code under the record's
 * scheme.
 */
export type CodeEvidence =
  | { kind: 'malformed' }
  | { kind: 'totp'; match: { authenticatorId: string; step: number } | null }
  | { kind: 'recovery'; digest: string }
  | KeyEvidence

/**
 * Applies replay protection and throttling to a code or proof. Malformed input and replays do not count as
 * failures; every other failure does, and from `maxFailures` on each one locks for twice as long as the last.
 * A TOTP code consumes its step (only later steps of that authenticator are accepted), a recovery code is spent.
 * No evidence (null: nothing was given to compute it from) is `malformed`. A security key's assertion is decided by
 * {@link proveKey}.
 */
export function prove(
  record: MFARecord,
  gate: CodeGate,
  evidence: CodeEvidence | null,
  now: number,
  policy: MFAPolicy,
): { proved: Proved } | { refused: Transition<Refusal<CodeReason>> } {
  if (evidence === null || evidence.kind === 'malformed') return { refused: refuse('malformed') }
  // a security key's assertion: its own rules, the same budget
  if (evidence.kind === 'webauthn') return proveKey(record, gate, evidence, now, policy)
  let index = -1
  let used: Authenticator | undefined
  if (evidence.kind === 'totp') {
    const match = evidence.match
    used = match ? gate.candidates.find((c) => c.authenticator.id === match.authenticatorId)?.authenticator : undefined
    if (used && match && match.step <= used.lastStep) {
      return { refused: refuse('replayed', { authenticatorId: used.id }) }
    }
  } else if (gate.recovery) {
    // every digest is compared, so the time taken does not say which one matched
    gate.recovery.digests.forEach((digest, i) => {
      if (timingSafeEqualString(digest, evidence.digest) && index < 0) index = i
    })
  }
  if (!used && index < 0) {
    // the event says what was tried: an app's code (six digits or so) or a recovery code
    const refused = fail(record, 'invalid', now, policy)
    const [first, ...rest] = refused.events
    const tried: MFAEventDraft =
      evidence.kind === 'totp'
        ? { ...(first as MFAEventDraft), kind: 'totp', method: 'totp' }
        : { ...(first as MFAEventDraft), method: 'recovery' }
    return { refused: { ...refused, events: [tried, ...rest] } }
  }
  const next: MFARecord = { ...record, failures: 0, lockedUntil: 0 }
  const events: MFAEventDraft[] = []
  if (used && evidence.kind === 'totp' && evidence.match) {
    const step = evidence.match.step
    const delta = step - stepAt(now, used.period)
    const updated: Authenticator = { ...used, lastStep: step, lastUsedAt: now }
    // Only a small, plausible drift is remembered (the window itself may reach further); a login may bring a drift
    // that resync set back towards 0, never take it further out: drift grows only through resync.
    if (Math.abs(delta) <= Math.max(1, Math.abs(used.drift))) updated.drift = delta
    const usedId = used.id
    next.authenticators = record.authenticators.map((a) => (a.id === usedId ? updated : a))
    return { proved: { next, method: 'totp', authenticatorId: usedId, events } }
  }
  const recovery = gate.recovery as RecoveryDigests
  next.recovery = { ...recovery, digests: recovery.digests.filter((_, i) => i !== index) }
  // whoever uses a recovery code has the codes: the window to show them again ends
  next.unsaved = null
  events.push({ type: 'recovery_used', method: 'recovery', recoveryCodesLeft: next.recovery.digests.length })
  return { proved: { next, method: 'recovery', events } }
}

/** The event `draft` naming the authenticator that proved, when it was one (a recovery code names none). */
export function withId(draft: MFAEventDraft, id: string | undefined): MFAEventDraft {
  // the drafts passed here are fresh literals: naming on them costs no copy
  if (id !== undefined) draft.authenticatorId = id
  return draft
}
