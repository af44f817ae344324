// New recovery codes after a proof; the codes and their digests come from ../recovery.ts, through the service.
import type { MFAPolicy } from '../policy.js'
import type { MFARecord } from '../record.js'
import type { CodeGate } from './gates.js'
import { type ProofEvidence, proveStepUp } from './step-up.js'
import { revokeForSecurity } from './trusted-devices.js'
import type { CodeReason, NeedsRecovery, Refusal, StepUpReason, Transition } from './types.js'

/** Replaces every recovery code after a proof; the old ones (also 0.1.0 digests) stop working. */
export function regenerateRecoveryCodes(
  record: MFARecord,
  gate: CodeGate,
  evidence: ProofEvidence,
  now: number,
  policy: MFAPolicy,
):
  | Transition<Refusal<CodeReason | StepUpReason> | { ok: true }>
  | NeedsRecovery<Refusal<CodeReason | StepUpReason> | { ok: true }> {
  const outcome = proveStepUp(record, gate, evidence, now, policy)
  if ('refused' in outcome) return outcome.refused
  const p = outcome.proved
  const revoked = revokeForSecurity(p.next, now)
  return {
    needsRecovery: (recovery) => ({
      result: { ok: true },
      next: { ...p.next, recovery, devices: revoked.devices, generation: record.generation + 1 },
      events: [
        ...p.events,
        ...revoked.events,
        { type: 'recovery_regenerated', recoveryCodesLeft: recovery.digests.length },
      ],
    }),
  }
}
