// The verification code's codec: generating one (uniform digits from the CSPRNG), reading what a user typed, the
// destination checked and masked, and the keyed digest stored instead of the code. Whether a code opens is the
// machine's rule (machine/verification-codes.ts).
import { misuse } from '../errors.js'
import { utf8 } from '../internal/bytes.js'
import { randomBytes } from '../internal/crypto.js'
import { isStorableText } from '../internal/text.js'
import type { VerificationChannel } from './api.js'
import type { CheckedEncryptionKeys } from './encryption.js'
import type { CodeCheckGate, TypedCodeEvidence } from './machine/verification-codes.js'
import type { ProofKeyRing } from './proof-token.js'
import { PURPOSE } from './record/verification.js'
import { createKeyedDigests } from './recovery.js'

/**
 * A code of `length` digits, each uniform: bytes of 250 or more are drawn again, so `byte % 10` has no bias.
 *
 * @param length - 6 to 10 digits
 */
export function generateVerificationCode(length: number): string {
  let code = ''
  while (code.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 250 && code.length < length) code += String(byte % 10)
    }
  }
  return code
}

/**
 * What the user typed, as digits: spaces and dashes (some mail clients and phones group digits) dropped; null when
 * it is not `length` ASCII digits then, or not a string.
 */
export function readTypedCode(input: unknown, length: number): string | null {
  if (typeof input !== 'string' || input.length > 64) return null
  const digits = input.replace(/[\s\-\u2010-\u2015]/g, '')
  return digits.length === length && /^[0-9]+$/.test(digits) ? digits : null
}

/** E.164: a `+`, then 7 to 15 digits, not starting with 0. */
const E164 = /^\+[1-9][0-9]{6,14}$/

/**
 * Checks a destination and gives its canonical form (an email address lower-cased, a phone number as is), which
 * the code's digest is bound to.
 *
 * @throws OTPError `ERR_INVALID_OPTION` for an address without exactly one `@` (or with spaces, or longer than 254
 * characters), a number not in E.164, a channel other than `email` or `sms`; the message never repeats the value
 */
export function canonicalDestination(channel: unknown, destination: unknown): string {
  if (channel !== 'email' && channel !== 'sms') misuse("channel must be 'email' or 'sms'")
  if (typeof destination !== 'string') return misuse('destination must be a string')
  if (channel === 'sms') {
    return E164.test(destination)
      ? destination
      : misuse('an SMS destination must be a phone number in E.164 (+ and 7 to 15 digits)')
  }
  const at = destination.indexOf('@')
  const ok =
    destination.length <= 254 &&
    at > 0 &&
    at === destination.lastIndexOf('@') &&
    at < destination.length - 1 &&
    // no space and no control character (a header injection into the application's mailer)
    !/[\s\p{Cc}]/u.test(destination) &&
    isStorableText(destination)
  return ok
    ? destination.toLowerCase()
    : misuse('an email destination must be an address with one @ and no spaces, up to 254 characters')
}

/**
 * The destination as events show it: an address's first character and its domain (`a•••@example.com`), a number's
 * last 4 digits (`•••• 1234`).
 *
 * @param channel - `email` or `sms`
 * @param canonical - from {@link canonicalDestination}
 */
export function maskDestination(channel: VerificationChannel, canonical: string): string {
  if (channel === 'sms') return `•••• ${canonical.slice(-4)}`
  const at = canonical.indexOf('@')
  return `${[...canonical.slice(0, at)][0]}•••${canonical.slice(at)}`
}

/**
 * Checks a purpose: 1 to 64 characters of `a-z 0-9 _ . : -`, starting with a letter.
 *
 * @throws OTPError `ERR_INVALID_OPTION` otherwise
 */
export function checkPurpose(purpose: unknown): string {
  return typeof purpose === 'string' && PURPOSE.test(purpose)
    ? purpose
    : misuse('purpose must be 1 to 64 characters of a-z 0-9 _ . : -, starting with a letter')
}

/** What a code's digest binds: the record, the purpose, the channel and the destination's digest. */
export interface CodeBinding {
  storeKey: string
  purpose: string
  channel: VerificationChannel
  /** The destination's digest ({@link CodeDigests.destination}). */
  to: string
}

/** Keyed digests of verification codes and destinations. */
export interface CodeDigests {
  /** The key id new codes are digested under (`encryption:<id>`, or `proof:<id>` without encryption keys). */
  readonly current: string
  /** The digest of a canonical destination under `kid`. */
  destination(kid: string, canonical: string): Promise<string | null>
  /** The digest of a code bound to `binding` under `kid`, or null when `kid` is no longer configured. */
  code(kid: string, binding: CodeBinding, code: string): Promise<string | null>
}

/**
 * Creates the code digests of a service: keyed by a key derived from the current encryption key, or, without
 * `encryptionKeys`, from the current proof key (the same derivation recovery digests use, with its own label).
 *
 * @param keys - the checked `encryptionKeys`, or undefined
 * @param ring - the checked `proofKey`, or undefined
 * @returns the digests, or undefined when the service has neither key (the feature then refuses to run: a 6-digit
 * code's plain digest is reversed at once from a copy of the database)
 */
export function createCodeDigests(
  keys: CheckedEncryptionKeys | undefined,
  ring: ProofKeyRing | undefined,
): CodeDigests | undefined {
  const all: Record<string, Uint8Array> = {}
  for (const [id, key] of Object.entries(keys?.keys ?? {})) all[`encryption:${id}`] = key
  for (const [id, key] of ring?.keys ?? []) all[`proof:${id}`] = key
  const current = keys ? `encryption:${keys.current}` : ring ? `proof:${ring.current}` : undefined
  if (current === undefined) return undefined
  const keyed = createKeyedDigests(all, 'mfa-core/verification-code-key/v1')
  return {
    current,
    destination: (kid, canonical) => keyed.digest(kid, utf8(`mfa-core/verification-destination/v1\u0000${canonical}`)),
    code: (kid, b, code) =>
      keyed.digest(
        kid,
        utf8(
          `mfa-core/verification-code/v1\u0000${b.storeKey}\u0000${b.purpose}\u0000${b.channel}\u0000${b.to}\u0000${code}`,
        ),
      ),
  }
}

/**
 * What a typed code is for a code gate: not a code of the live code's length, or its digest bound like the stored
 * one (null when the code's key is no longer configured). Computes nothing for a closed gate.
 *
 * @param digests - the service's code digests
 * @param gate - the machine's gate: the live code to check against, or closed
 * @param input - what the user typed
 * @param storeKey - the record's store key
 */
export async function typedCodeEvidence(
  digests: CodeDigests,
  gate: object,
  input: unknown,
  storeKey: string,
): Promise<TypedCodeEvidence | null> {
  if (!('code' in gate)) return null
  const code = (gate as CodeCheckGate).code
  const typed = readTypedCode(input, code.length)
  if (typed === null) return { kind: 'malformed' }
  const { purpose, channel, to } = code
  return { kind: 'digest', digest: await digests.code(code.kid, { storeKey, purpose, channel, to }, typed) }
}
