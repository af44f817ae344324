// Keys: one user's record rewritten under the current encryption key (to finish a rotation). The rule is in
// ../machine/keys.ts; the re-sealing and signing are the transaction's, as for every write.
import type { MFA, RewriteResult } from '../api.js'
import { checkUserId } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.rewriteRecord} over a service context. */
export async function rewriteRecord(ctx: ServiceContext, userId: string): Promise<RewriteResult> {
  const done = await ctx.tx.run(checkUserId(userId), 'rewrite', ({ record }) => machine.rewrite(record))
  if (!done.ok) return done
  // what the store holds now (a later writer also writes under the current key)
  const { record } = await ctx.tx.read(userId)
  return { ok: true, keyIds: record ? machine.keyIds(record) : [] }
}
