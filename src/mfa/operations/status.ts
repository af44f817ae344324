// What a settings page shows of the user's MFA: a read. The rule is in ../machine/status.ts.
import type { MFAStatus } from '../api.js'
import { checkUserId } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.status} over a service context. */
export async function status(ctx: ServiceContext, userId: string): Promise<MFAStatus> {
  const { record, at } = await ctx.tx.read(checkUserId(userId))
  return machine.status(record, at)
}
