// The user's authenticators besides enrollment: list, rename, remove (after a proof), import (the application
// vouches). The rules are in ../machine/authenticators.ts.
import { randomId } from '../../internal/random-id.js'
import { checkText } from '../../internal/text.js'
import type { AuthenticatorInfo, ImportOptions, ImportResult, MFA, MFAProof, RemoveResult } from '../api.js'
import { checkId, checkUserId, readImport, readProof } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import * as machine from '../machine/index.js'

/** {@link MFA.listAuthenticators} over a service context: a read. */
export async function listAuthenticators(ctx: ServiceContext, userId: string): Promise<AuthenticatorInfo[]> {
  return machine.list((await ctx.tx.read(checkUserId(userId))).record)
}

/** {@link MFA.renameAuthenticator} over a service context. */
export async function renameAuthenticator(
  ctx: ServiceContext,
  userId: string,
  authenticatorId: string,
  label: string,
): ReturnType<MFA['renameAuthenticator']> {
  checkUserId(userId)
  const id = checkId('authenticatorId', authenticatorId)
  const name = checkText('label', label, 64)
  return ctx.tx.run(userId, 'rename', ({ record }) => machine.rename(record, id, name))
}

/** {@link MFA.removeAuthenticator} over a service context. */
export async function removeAuthenticator(
  ctx: ServiceContext,
  userId: string,
  authenticatorId: string,
  proof: MFAProof,
): Promise<RemoveResult> {
  checkUserId(userId)
  const id = checkId('authenticatorId', authenticatorId)
  const input = readProof(proof, ctx.proofs !== undefined)
  return ctx.tx.run(userId, 'remove', async ({ record, at }) => {
    const gate = machine.removeGate(record, id, input.kind !== 'none', at, ctx.policy)
    const evidence = await ctx.evidence.proof(gate, input, ctx.owner(userId))
    return machine.removeAuthenticator(record, id, gate, evidence, at, ctx.policy)
  })
}

/** {@link MFA.importAuthenticator} over a service context. */
export async function importAuthenticator(
  ctx: ServiceContext,
  userId: string,
  options: ImportOptions,
): Promise<ImportResult> {
  checkUserId(userId)
  const { bytes, recoveryCodes, ...checked } = readImport(options)
  const id = randomId(20)
  const imported = { id, ...checked, secret: await ctx.box.seal(bytes, ctx.binding(userId, id)) }
  return ctx.tx.run(userId, 'import', async ({ record, at }) => {
    const gate = machine.importGate(record, ctx.policy)
    return ctx.withRecoveryCodes(userId, machine.importAuthenticator(record, gate, imported, recoveryCodes, at))
  })
}
