// Login: a code (or recovery code) checked in one transaction, then, once it committed, the step-up proof signed and
// the trusted device's token handed out; and `checkProof`, a read. The rules are in ../machine/login.ts and
// ../machine/step-up.ts.
import type { CheckProofResult, MFA, VerifyResult } from '../api.js'
import { checkBindTo, checkMaxAge, checkOptions, checkUserId, readVerifyOptions } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import { mintDeviceToken } from '../device-token.js'
import * as machine from '../machine/index.js'

/** {@link MFA.verify} over a service context. */
export async function verify(
  ctx: ServiceContext,
  userId: string,
  input: unknown,
  options?: Parameters<MFA['verify']>[2],
): Promise<VerifyResult> {
  checkUserId(userId)
  const { proof, bindTo, trust } = readVerifyOptions(options, ctx.policy.trustedDeviceTTLMs)
  const signer = proof ? ctx.needProofs() : undefined
  // minted once, before the transaction: a retry after a conflict trusts the same device
  const minted = trust && (await mintDeviceToken(ctx.tx.key(userId)))
  const extras: machine.VerifyExtras = { proof }
  if (trust && minted) extras.trust = { id: minted.id, digest: minted.digest, ...trust }
  const result = await ctx.tx.run(userId, 'verify', async ({ record, at }) => {
    const gate = machine.codeGate(record, at, ctx.policy)
    const evidence = await ctx.evidence.code(gate, input, ctx.owner(userId))
    return machine.verify(record, gate, evidence, at, ctx.policy, extras)
  })
  if (!result.ok) return result
  const { device, claims, ...login } = result
  const out: VerifyResult = login
  // signed only once the login is committed, over the generation it committed
  if (signer && claims) out.proof = await signer.issue(ctx.tx.key(userId), claims, bindTo)
  if (device && minted) out.device = { id: device.id, token: minted.token, expiresAt: device.expiresAt }
  return out
}

/** {@link MFA.checkProof} over a service context: a read, nothing is written. */
export async function checkProof(
  ctx: ServiceContext,
  userId: string,
  proof: string,
  options?: { maxAgeMs?: number; bindTo?: string },
): Promise<CheckProofResult> {
  checkUserId(userId)
  const signer = ctx.needProofs()
  const checked = checkOptions('checkProof options', options)
  const maxAgeMs = checkMaxAge(checked.maxAgeMs)
  const bindTo = checkBindTo(checked.bindTo)
  const { record, at } = await ctx.tx.read(userId)
  return machine.checkProof(record, await signer.open(ctx.tx.key(userId), proof, bindTo), at, maxAgeMs)
}
