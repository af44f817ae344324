// New recovery codes after a proof. The rule is in ../machine/recovery-codes.ts; codes and digests come from
// ../recovery.ts, generated only once the proof stands.
import type { MFA, MFAProof, RegenerateResult } from '../api.js'
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
