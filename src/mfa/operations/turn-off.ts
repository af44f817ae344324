// MFA turned off: by the user after a proof (`disable`), or by support (`reset`, no code). The rules are in
// ../machine/turn-off.ts.
import { checkText } from '../../internal/text.js'
import type { DisableResult, MFA, MFAProof } from '../api.js'
import { checkUserId, readProof } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.disable} over a service context. */
export async function disable(ctx: ServiceContext, userId: string, proof: MFAProof): Promise<DisableResult> {
  checkUserId(userId)
  const input = readProof(proof, ctx.proofs !== undefined)
  return ctx.tx.run(userId, 'disable', async ({ record, at }) => {
    const gate = machine.proofGate(record, input.kind !== 'none', at, ctx.policy)
    const evidence = await ctx.evidence.proof(gate, input, ctx.owner(userId))
    return machine.disable(record, gate, evidence, at, ctx.policy)
  })
}

/** {@link MFA.reset} over a service context: also removes a stored record this version cannot read. */
export async function reset(
  ctx: ServiceContext,
  userId: string,
  options: Parameters<MFA['reset']>[1],
): Promise<{ ok: true }> {
  checkUserId(userId)
  const actor = checkText('actor', options?.actor, 256)
  const reason = checkText('reason', options.reason, 1000, 0)
  return ctx.tx.run(
    userId,
    'reset',
    // an unreadable record's generation is unknown: the clock reading is larger than any counter it reached
    ({ record, at, unreadable }) => machine.reset(record, actor, reason, unreadable ? at : undefined),
    { raw: true },
  )
}
