// Recovery codes: new ones after a proof, shown again until the user acknowledges them. The rules are in
// ../machine/recovery-codes.ts; codes and digests come from ../recovery.ts, generated only once a rule keeps them.
import type { MFA, MFAProof, RegenerateResult, UnsavedRecoveryCodes } from '../api.js'
import { checkUserId, readProof } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.regenerateRecoveryCodes} over a service context. */
export async function regenerateRecoveryCodes(
  ctx: ServiceContext,
  userId: string,
  proof: MFAProof,
): Promise<RegenerateResult> {
  checkUserId(userId)
  const input = readProof(proof, ctx.proofs !== undefined)
  return ctx.tx.run(userId, 'regenerate', async ({ record, at }) => {
    const gate = machine.proofGate(record, input.kind !== 'none', at, ctx.policy)
    const evidence = await ctx.evidence.proof(gate, input, ctx.owner(userId))
    return ctx.withRecoveryCodes(userId, machine.regenerateRecoveryCodes(record, gate, evidence, at, ctx.policy))
  })
}

/** {@link MFA.unsavedRecoveryCodes} over a service context: opened from their sealed copy, or (no keys) issued afresh. */
export async function unsavedRecoveryCodes(ctx: ServiceContext, userId: string): Promise<UnsavedRecoveryCodes | null> {
  checkUserId(userId)
  const shown = await ctx.tx.run(userId, 'recovery_codes', async ({ record, at }) =>
    ctx.withRecoveryCodes(userId, machine.unsavedRecoveryCodes(record, at)),
  )
  if (shown === null) return null
  const { issuedAt, expiresAt } = shown
  const recoveryCodes = 'sealed' in shown ? await ctx.openCodes(userId, shown.sealed) : shown.recoveryCodes
  return { recoveryCodes, issuedAt, expiresAt }
}

/** {@link MFA.acknowledgeRecoveryCodes} over a service context. */
export async function acknowledgeRecoveryCodes(ctx: ServiceContext, userId: string): Promise<{ ok: true }> {
  return ctx.tx.run(checkUserId(userId), 'recovery_codes', async ({ record }) =>
    machine.acknowledgeRecoveryCodes(record),
  )
}
