// Verification codes by email or SMS: send (the digest stored, then the application's `sendCode`; a code it failed
// to deliver is voided) and check (one transaction; a step-up proof signed once it committed). The rules are in
// ../machine/verification-codes.ts, the codec in ../verification-code.ts.
import { misuse } from '../../errors.js'
import type { CheckCodeResult, MFA, SendCodeResult } from '../api.js'
import { checkOptions, checkUserId, readVerifyOptions } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'
import {
  canonicalDestination,
  checkPurpose,
  generateVerificationCode,
  maskDestination,
  typedCodeEvidence,
} from '../verification-code.js'

/** The code digests, or `ERR_INVALID_OPTION`: the feature refuses to run without a key. */
const needDigests = (ctx: ServiceContext) =>
  ctx.codeDigests ?? misuse('verification codes need encryptionKeys or proofKey: their digests are keyed')

/** {@link MFA.sendVerificationCode} over a service context. */
export async function sendVerificationCode(
  ctx: ServiceContext,
  userId: string,
  options: Parameters<MFA['sendVerificationCode']>[1],
): Promise<SendCodeResult> {
  checkUserId(userId)
  if (typeof options !== 'object' || options === null)
    misuse('sendVerificationCode needs { channel, destination, purpose }')
  const { channel, destination, purpose: given } = options
  const canonical = canonicalDestination(channel, destination)
  const purpose = checkPurpose(given)
  const deliver = ctx.sendCode ?? misuse('sendVerificationCode needs the sendCode option of createMFA')
  const digests = needDigests(ctx)
  const kid = digests.current
  // made once, before the transaction: a retry after a conflict stores the same code
  const code = generateVerificationCode(ctx.policy.verificationCodeLength)
  const to = (await digests.destination(kid, canonical)) as string
  const digest = (await digests.code(kid, { storeKey: ctx.tx.key(userId), purpose, channel, to }, code)) as string
  const masked = maskDestination(channel, canonical)
  const fresh: machine.NewCode = { digest, kid, purpose, channel, to, masked, length: code.length }
  const result = await ctx.tx.run(userId, 'send_code', ({ record, at }) =>
    machine.sendCode(record, fresh, at, ctx.policy),
  )
  if (!result.ok) return result
  try {
    await deliver({ userId, channel, destination, code, purpose, expiresAt: result.expiresAt })
  } catch (error) {
    // nobody received it: it must not stay valid (the send still counts towards the cooldown and the hourly limit)
    await ctx.tx.run(userId, 'send_code', ({ record }) => machine.voidUndelivered(record, digest))
    throw error
  }
  return result
}

/** {@link MFA.checkVerificationCode} over a service context. */
export async function checkVerificationCode(
  ctx: ServiceContext,
  userId: string,
  code: string,
  options: Parameters<MFA['checkVerificationCode']>[2],
): Promise<CheckCodeResult> {
  checkUserId(userId)
  const opts = checkOptions('checkVerificationCode options', options)
  const purpose = checkPurpose(opts.purpose)
  const { proof, bindTo } = readVerifyOptions({ proof: opts.proof ?? false }, ctx.policy.trustedDeviceTTLMs)
  const signer = proof ? ctx.needProofs() : undefined
  const digests = needDigests(ctx)
  const storeKey = ctx.tx.key(userId)
  const result = await ctx.tx.run(userId, 'check_code', async ({ record, at }) => {
    const gate = machine.codeCheckGate(record, purpose, at, ctx.policy)
    const evidence = await typedCodeEvidence(digests, gate, code, storeKey)
    return machine.checkCode(record, gate, evidence, at, ctx.policy, { proof })
  })
  if (!result.ok) return result
  const out: CheckCodeResult = { ok: true, channel: result.channel }
  // signed only once the check is committed, over the generation it committed
  if (signer && result.claims) out.proof = await signer.issue(storeKey, result.claims, bindTo)
  return out
}
