// Resync: two consecutive codes searched over a wider window set an authenticator's drift. The rules are in
// ../machine/resync.ts; the HMAC search is `findConsecutive` (internal/engine.ts), run by the evidence side.
import type { MFA, ResyncResult } from '../api.js'
import { checkUserId } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.resync} over a service context. */
export async function resync(ctx: ServiceContext, userId: string, code1: string, code2: string): Promise<ResyncResult> {
  return ctx.tx.run(checkUserId(userId), 'resync', async ({ record, at }) => {
    const gate = machine.resyncGate(record, at, ctx.policy)
    const evidence = await ctx.evidence.resync(gate, code1, code2, ctx.owner(userId))
    return machine.resync(record, gate, evidence, at, ctx.policy)
  })
}
