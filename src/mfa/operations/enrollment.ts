// Enrollment: begin (a fresh secret, pending; a proof once the user has an authenticator), show the pending one again,
// then confirm with two consecutive codes (the same two again answer the same). The rules are in
// ../machine/enrollment.ts.
import { encodeBase32 } from '../../base32.js'
import { randomBytes } from '../../internal/crypto.js'
import { MAX_NAME_LENGTH } from '../../internal/limits.js'
import { randomId } from '../../internal/random-id.js'
import { checkText } from '../../internal/text.js'
import { createKeyURI } from '../../uri.js'
import type {
  BeginEnrollmentResult,
  CancelEnrollmentResult,
  ConfirmEnrollmentResult,
  MFA,
  PendingEnrollmentInfo,
} from '../api.js'
import { checkLabel, checkOptions, checkUserId, readProof } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.beginEnrollment} over a service context. */
export async function beginEnrollment(
  ctx: ServiceContext,
  userId: string,
  options: Parameters<MFA['beginEnrollment']>[1],
): Promise<BeginEnrollmentResult> {
  checkUserId(userId)
  const opts = checkOptions('beginEnrollment options', options)
  const accountName = checkText('accountName', opts.accountName, MAX_NAME_LENGTH)
  const label = checkLabel(opts.label)
  const proof = readProof(opts.proof, ctx.proofs !== undefined)
  const { issuer, policy } = ctx
  const { algorithm, digits, period } = policy
  // a CSPRNG secret of the policy's length (validated 16 to 64 bytes when the service was created); 80-bit id
  const bytes = randomBytes(policy.secretBytes)
  const uri = createKeyURI({ issuer, accountName, secret: bytes, algorithm, digits, period })
  const id = randomId(20)
  const secret = { id, label, secret: await ctx.box.seal(bytes, ctx.binding(userId, id)), algorithm, digits, period }
  const result = await ctx.tx.run(userId, 'enroll', async ({ record, at }) => {
    const gate = machine.enrollGate(record, proof.kind !== 'none', at, policy)
    const evidence = await ctx.evidence.proof(gate, proof, ctx.owner(userId))
    return machine.begin(record, gate, evidence, secret, at, policy)
  })
  return result.ok ? { ...result, secret: encodeBase32(bytes), uri } : result
}

/** {@link MFA.confirmEnrollment} over a service context. */
export async function confirmEnrollment(
  ctx: ServiceContext,
  userId: string,
  code1: string,
  code2: string,
): Promise<ConfirmEnrollmentResult> {
  const result = await ctx.tx.run(checkUserId(userId), 'confirm', async ({ record, at }) => {
    const gate = machine.confirmGate(record, at, ctx.policy)
    const evidence = await ctx.evidence.pair(gate, code1, code2, ctx.owner(userId))
    return ctx.withRecoveryCodes(userId, machine.confirm(record, gate, evidence, at, ctx.policy))
  })
  if (!result.ok) return result
  // a repeated confirmation: the same codes, opened from their sealed copy once the read is done
  const { sealed, ...confirmed } = result
  if (sealed) confirmed.recoveryCodes = await ctx.openCodes(userId, sealed)
  return confirmed
}

/** {@link MFA.pendingEnrollment} over a service context: a read. */
export async function pendingEnrollment(
  ctx: ServiceContext,
  userId: string,
  options: Parameters<MFA['pendingEnrollment']>[1],
): Promise<PendingEnrollmentInfo | null> {
  checkUserId(userId)
  const accountName = checkText(
    'accountName',
    checkOptions('pendingEnrollment options', options).accountName,
    MAX_NAME_LENGTH,
  )
  const { record, at } = await ctx.tx.read(userId)
  const found = machine.pendingEnrollment(record, at, ctx.policy)
  if (!found) return null
  const { pending, attemptsLeft } = found
  const { id, label, algorithm, digits, period, expiresAt } = pending
  const bytes = await ctx.box.open(pending.secret, ctx.binding(userId, id))
  const uri = createKeyURI({ issuer: ctx.issuer, accountName, secret: bytes, algorithm, digits, period })
  return { authenticatorId: id, label, secret: encodeBase32(bytes), uri, expiresAt, attemptsLeft }
}

/** {@link MFA.cancelEnrollment} over a service context. */
export async function cancelEnrollment(ctx: ServiceContext, userId: string): Promise<CancelEnrollmentResult> {
  return ctx.tx.run(checkUserId(userId), 'cancel_enrollment', ({ record, at }) => machine.cancelEnrollment(record, at))
}
