// Recovery codes: shown once, stored as SHA-256 digests, each usable once.
import { randomBytes, sha256 } from '../internal/crypto.js'

// Crockford's base32 alphabet: no I, L, O or U, so nothing reads as another character.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const GROUP = 5
/** Characters per recovery code, without the separator (10 characters of 5 bits: 50 random bits). */
export const RECOVERY_CODE_LENGTH = 10 // two groups

/**
 * Brings a typed recovery code to its canonical form: lower case, no spaces or dashes, and the look-alikes
 * `i`/`l` read as `1` and `o` as `0`.
 *
 * @param text - what the user typed
 * @returns the 10 canonical characters, or null when it cannot be a recovery code
 */
export function normalizeRecoveryCode(text: string): string | null {
  if (text.length > 64) return null
  const t = text
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0')
  if (t.length !== RECOVERY_CODE_LENGTH) return null
  for (const c of t) if (!ALPHABET.includes(c)) return null
  return t
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/**
 * The stored form of a recovery code: SHA-256 over a domain label, the user id and the canonical code, truncated to
 * 128 bits (ample against a 50-bit code, and it keeps the record small and quick to parse), in lower-case hex.
 *
 * @param userId - the owner (so a digest copied to another user's record is worthless)
 * @param canonical - the output of {@link normalizeRecoveryCode}
 */
export async function digestRecoveryCode(userId: string, canonical: string): Promise<string> {
  const digest = await sha256(new TextEncoder().encode(`mfa-core/recovery/v1\u0000${userId}\u0000${canonical}`))
  return hex(digest.subarray(0, 16))
}

/**
 * Generates fresh recovery codes, formatted `xxxxx-xxxxx`, and their digests.
 *
 * Every code contains at least one letter, so it is never mistaken for a numeric TOTP code.
 *
 * @param userId - the owner
 * @param count - how many codes
 * @returns the codes (to show once) and their digests (to store), in the same order
 */
export async function generateRecoveryCodes(
  userId: string,
  count: number,
): Promise<{ codes: string[]; digests: string[] }> {
  const codes: string[] = []
  while (codes.length < count) {
    // 256 is a multiple of 32, so `byte & 31` is uniform.
    const bytes = randomBytes(RECOVERY_CODE_LENGTH)
    const raw = Array.from(bytes, (b) => ALPHABET[b & 31]).join('')
    if (!/[a-z]/.test(raw) || codes.some((c) => c.replace('-', '') === raw)) continue
    codes.push(`${raw.slice(0, GROUP)}-${raw.slice(GROUP)}`)
  }
  const digests = await Promise.all(codes.map((c) => digestRecoveryCode(userId, c.replace('-', ''))))
  return { codes, digests }
}
