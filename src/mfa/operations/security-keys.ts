// Security keys and passkeys: registration begun (a proof once the user has an authenticator) and finished with the
// browser's response, and the sign-in challenge. An assertion given to `verify` or as a proof goes the way of a code
// (./login.ts and the operations that take a proof). The rules are in ../machine/security-keys.ts.

import { encodeBase64URL } from '../../internal/base64url.js'
import { randomBytes } from '../../internal/crypto.js'
import { MAX_NAME_LENGTH } from '../../internal/limits.js'
import { randomId } from '../../internal/random-id.js'
import { checkText } from '../../internal/text.js'
import type { BeginSecurityKeyResult, ChallengeResult, FinishSecurityKeyResult, MFA } from '../api.js'
import { checkOptions, checkUserId, readProof } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** Bytes of a challenge (WebAuthn §13.4.3 asks for at least 16) and of a user handle (§5.4.3: at most 64). */
const CHALLENGE_BYTES = 32
const USER_HANDLE_BYTES = 16

/** {@link MFA.beginSecurityKeyRegistration} over a service context. */
export async function beginSecurityKeyRegistration(
  ctx: ServiceContext,
  userId: string,
  options: Parameters<MFA['beginSecurityKeyRegistration']>[1],
): Promise<BeginSecurityKeyResult> {
  const keys = ctx.needKeys()
  checkUserId(userId)
  const opts = checkOptions('beginSecurityKeyRegistration options', options)
  const label = opts.label === undefined ? machine.DEFAULT_KEY_LABEL : checkText('label', opts.label, 64)
  const accountName =
    opts.accountName === undefined ? userId : checkText('accountName', opts.accountName, MAX_NAME_LENGTH)
  const displayName =
    opts.displayName === undefined ? accountName : checkText('displayName', opts.displayName, MAX_NAME_LENGTH)
  const proof = readProof(opts.proof, ctx.proofs !== undefined)
  const challenge = randomBytes(CHALLENGE_BYTES)
  const fresh: machine.NewKeyRegistration = {
    id: randomId(20),
    label,
    challenge: encodeBase64URL(challenge),
    userHandle: encodeBase64URL(randomBytes(USER_HANDLE_BYTES)),
  }
  const result = await ctx.tx.run(userId, 'enroll', async ({ record, at }) => {
    const gate = machine.enrollGate(record, proof.kind !== 'none', at, ctx.policy)
    const evidence = await ctx.evidence.proof(gate, proof, ctx.owner(userId))
    return machine.beginKeyRegistration(record, gate, evidence, fresh, at, ctx.policy)
  })
  if (!result.ok) return result
  const { authenticatorId, expiresAt, userHandle, exclude } = result
  const options_ = keys.creationOptions({
    challenge,
    userHandle,
    accountName,
    displayName,
    exclude,
    timeoutMs: ctx.policy.enrollmentTTLMs,
  })
  return { ok: true, authenticatorId, options: options_, expiresAt }
}

/** {@link MFA.finishSecurityKeyRegistration} over a service context. */
export async function finishSecurityKeyRegistration(
  ctx: ServiceContext,
  userId: string,
  response: unknown,
): Promise<FinishSecurityKeyResult> {
  const keys = ctx.needKeys()
  checkUserId(userId)
  return ctx.tx.run(userId, 'confirm', async ({ record, at }) => {
    const gate = machine.finishGate(record, at, ctx.policy)
    const evidence = 'challenge' in gate ? await keys.registration(gate.challenge, response) : null
    return ctx.withRecoveryCodes(userId, machine.finishKeyRegistration(record, gate, evidence, at, ctx.policy))
  })
}

/** {@link MFA.challenge} over a service context. */
export async function challenge(ctx: ServiceContext, userId: string): Promise<ChallengeResult> {
  const keys = ctx.needKeys()
  checkUserId(userId)
  const bytes = randomBytes(CHALLENGE_BYTES)
  const userHandle = encodeBase64URL(randomBytes(USER_HANDLE_BYTES))
  const result = await ctx.tx.run(userId, 'challenge', ({ record, at }) =>
    machine.issueChallenge(machine.challengeGate(record, at), encodeBase64URL(bytes), userHandle, at, ctx.policy),
  )
  if (!result.ok) return result
  const { methods, allow, expiresAt } = result
  if (allow === undefined || expiresAt === undefined) return { ok: true, methods }
  const options = keys.requestOptions({ challenge: bytes, allow, timeoutMs: ctx.policy.challengeTTLMs })
  return { ok: true, methods, options, expiresAt }
}
