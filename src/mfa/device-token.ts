// The trusted-device token's codec: a random token the browser keeps, of which the record keeps only a digest bound
// to the store key. The rules (trust, use and rotate, revoke) are in machine/trusted-devices.ts.
import { decodeBase64URL, encodeBase64URL } from '../internal/base64url.js'
import { toHex, utf8 } from '../internal/bytes.js'
import { randomBytes, sha256 } from '../internal/crypto.js'
import { randomId } from '../internal/random-id.js'
import type { PresentedDevice } from './machine/trusted-devices.js'

const SECRET_BYTES = 32 // 256 random bits, at least the 128 the issue asks for
const TOKEN = /^([a-hjkmnp-s]{16})\.([\w-]{43})$/

/** The stored form of a token: bound to the store key, so a digest copied into another record opens nothing. */
async function digestToken(storeKey: string, token: string): Promise<string> {
  return toHex(await sha256(utf8(`mfa-core/device/v1\u0000${storeKey}\u0000${token}`)), 16)
}

/**
 * Mints a device token: `<device id>.<256 random bits in base64url>` (60 characters). The token goes to the
 * browser once; only its digest is stored.
 *
 * @param storeKey - the record's store key (prefix and user id)
 * @param id - the device's id when rotating its token; a fresh random one (64 bits, 16 letters) otherwise
 */
export async function mintDeviceToken(
  storeKey: string,
  id = randomId(16),
): Promise<{ id: string; token: string; digest: string }> {
  const token = `${id}.${encodeBase64URL(randomBytes(SECRET_BYTES))}`
  return { id, token, digest: await digestToken(storeKey, token) }
}

/**
 * Reads a token presented by a browser: the device id it names and its digest, or null when it cannot be a token
 * (`malformed`). Never throws for what it is given.
 *
 * @param storeKey - the record's store key (prefix and user id)
 * @param token - what the browser sent
 */
export async function readDeviceToken(storeKey: string, token: unknown): Promise<PresentedDevice | null> {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null
  if (match === null || decodeBase64URL(match[2] as string) === null) return null
  return { id: match[1] as string, digest: await digestToken(storeKey, token as string) }
}
