// Trusted devices: a device's token used instead of a code (read, its replacement minted, then one transaction),
// listed and revoked. The rules are in ../machine/trusted-devices.ts, the token's codec in ../device-token.ts.
import type { MFA, TrustedDeviceInfo, TrustedDeviceResult } from '../api.js'
import { checkId, checkUserId } from '../arguments.js'
import type { ServiceContext } from '../context.js'
import { mintDeviceToken, readDeviceToken } from '../device-token.js'
import * as machine from '../machine/index.js'

/** {@link MFA.verifyTrustedDevice} over a service context. */
export async function verifyTrustedDevice(
  ctx: ServiceContext,
  userId: string,
  token: string,
): Promise<TrustedDeviceResult> {
  const storeKey = ctx.tx.key(checkUserId(userId))
  const presented = await readDeviceToken(storeKey, token)
  const replacement = presented && (await mintDeviceToken(storeKey, presented.id))
  const result = await ctx.tx.run(userId, 'device', ({ record, at }) =>
    machine.useTrustedDevice(record, presented, replacement?.digest ?? '', at, ctx.policy),
  )
  if (!result.ok || !replacement) return result.ok ? { ok: false, reason: 'device_malformed' } : result
  return { ok: true, deviceId: result.deviceId, token: replacement.token, expiresAt: result.expiresAt }
}

/** {@link MFA.listTrustedDevices} over a service context: a read. */
export async function listTrustedDevices(ctx: ServiceContext, userId: string): Promise<TrustedDeviceInfo[]> {
  const { record, at } = await ctx.tx.read(checkUserId(userId))
  return machine.trustedDevices(record, at)
}

/** {@link MFA.revokeTrustedDevice} over a service context. */
export async function revokeTrustedDevice(
  ctx: ServiceContext,
  userId: string,
  deviceId: string,
): ReturnType<MFA['revokeTrustedDevice']> {
  checkUserId(userId)
  const id = checkId('deviceId', deviceId)
  return ctx.tx.run(userId, 'revoke_device', ({ record, at }) => machine.revokeTrustedDevice(record, id, at))
}

/** {@link MFA.revokeTrustedDevices} over a service context. */
export async function revokeTrustedDevices(
  ctx: ServiceContext,
  userId: string,
): ReturnType<MFA['revokeTrustedDevices']> {
  return ctx.tx.run(checkUserId(userId), 'revoke_device', ({ record, at }) => machine.revokeTrustedDevices(record, at))
}
