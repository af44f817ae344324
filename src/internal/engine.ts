// The one door between the OTP code and an HMAC engine: WebCrypto by default, or mfa-core/sync's `syncEngine`. A
// secret is prepared once with `prepare`; typed codes are matched with `matchStep` (TOTP steps) or `matchWindow` (a
// whole TOTP window with its replay guard). The root OTP functions use WebCrypto through here; createMFA uses the
// engine the application picked. Not API, except the HMACEngine and HMACSigner types for createMFA.
import { timingSafeEqualString } from './bytes.js'
import { importHMACKey, signHMAC } from './crypto.js'
import { type Algorithm, checkAlgorithm, counterBytes, type TOTPResult, totpResult, truncate } from './otp.js'

/**
 * A secret prepared for one algorithm by an {@link HMACEngine}: computes HMACs of messages (8-byte big-endian
 * counters here), synchronously or as a promise.
 *
 * @example
 * import type { HMACSigner } from 'mfa-core'
 * declare const signer: HMACSigner
 * const mac = await signer.sign(new Uint8Array(8)) // HMAC of counter 0
 * @see RFC 2104 (HMAC), RFC 4226 §5.2 (the counter message)
 */
export interface HMACSigner {
  sign(message: Uint8Array<ArrayBuffer>): Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>
}

/**
 * An HMAC engine for `createMFA`: prepares raw secret bytes once for an algorithm. `syncEngine` from `mfa-core/sync`
 * is one (pure TypeScript, synchronous); without one the service uses WebCrypto. `prepare` throws `OTPError`
 * `ERR_INVALID_OPTION` for an unknown algorithm.
 *
 * @example
 * import { createMFA, type HMACEngine } from 'mfa-core'
 * import { syncEngine } from 'mfa-core/sync'
 * const engine: HMACEngine = syncEngine
 * const mfa = createMFA({ issuer: 'Example', engine })
 * @see RFC 2104 (HMAC)
 */
export interface HMACEngine {
  prepare(secret: Uint8Array, algorithm: Algorithm): HMACSigner | Promise<HMACSigner>
}

/** The default engine: a non-extractable WebCrypto HMAC key. */
export const webCryptoEngine: HMACEngine = {
  async prepare(secret, algorithm) {
    const key = await importHMACKey(secret, checkAlgorithm(algorithm))
    return { sign: (message) => signHMAC(key, message) }
  },
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function'

/**
 * The first of `items` (in the order given) whose code equals `typed`, or null; `message` gives each item's HMAC
 * input. The first item is signed alone (it answers most often); when it does not match and the signer is
 * asynchronous (WebCrypto), the others are signed concurrently and then compared in order. Without a match every
 * item has been computed. Every comparison is constant-time.
 */
export async function firstMatch<T>(
  signer: HMACSigner,
  typed: string,
  digits: number,
  items: readonly T[],
  message: (item: T) => Uint8Array<ArrayBuffer>,
): Promise<T | null> {
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T
    const mac = signer.sign(message(item))
    if (isPromise(mac) && i === 0 && items.length > 1) {
      if (timingSafeEqualString(typed, truncate(await mac, digits))) return item
      const rest = items.slice(1)
      const macs = await Promise.all(rest.map((other) => signer.sign(message(other))))
      const at = macs.findIndex((other) => timingSafeEqualString(typed, truncate(other, digits)))
      return at === -1 ? null : (rest[at] as T)
    }
    if (timingSafeEqualString(typed, truncate(isPromise(mac) ? await mac : mac, digits))) return item
  }
  return null
}

/**
 * The first of `steps` (in the order given: the likeliest first) whose code equals `typed`, or null. Stops at the
 * first match; when nothing matches every step has been computed, so a wrong code's timing says nothing. Every
 * comparison is constant-time.
 */
export function matchStep(
  signer: HMACSigner,
  typed: string,
  digits: number,
  steps: readonly number[],
): Promise<number | null> {
  return firstMatch(signer, typed, digits, steps, (step) => counterBytes(step))
}

/**
 * The code of every one of `steps`, each computed once (concurrently when the signer is asynchronous), whatever
 * will be compared with them: for a check whose work must not depend on what was typed (an enrollment's two codes).
 *
 * @param signer - the prepared secret
 * @param digits - code length
 * @param steps - the time steps (RFC 6238 §4: T counted from the Unix epoch); duplicates are computed once
 * @returns each step's code
 */
export async function codesAt(
  signer: HMACSigner,
  digits: number,
  steps: readonly number[],
): Promise<Map<number, string>> {
  const unique = [...new Set(steps)]
  const macs = await Promise.all(unique.map((step) => signer.sign(counterBytes(step))))
  return new Map(unique.map((step, i) => [step, truncate(macs[i] as Uint8Array | ArrayBuffer, digits)]))
}

/**
 * Verifies a normalised code over a TOTP window (RFC 6238 §5.2) ordered by `windowOrder`: the fresh steps,
 * stopping at the first match; then, only when none matched, the stale steps, so that a code of an accepted step is
 * `replayed` rather than `mismatch`.
 */
export async function matchWindow(
  signer: HMACSigner,
  typed: string,
  digits: number,
  now: number,
  order: { fresh: readonly number[]; stale: readonly number[] },
): Promise<TOTPResult> {
  const matched = await matchStep(signer, typed, digits, order.fresh)
  if (matched !== null) return totpResult(matched, now, false)
  return totpResult(null, now, (await matchStep(signer, typed, digits, order.stale)) !== null)
}

/**
 * The step of `code1` when `code1` and `code2` are the codes of two consecutive steps (s, s + 1) with s + 1 among
 * `seconds` (checked in that order, the likeliest first); null when no such pair exists: the search behind a resync
 * (RFC 6238 §6). Both codes of each candidate pair are computed before they are compared, so until a pair is found
 * the work done does not depend on what was typed; a miss computes every step. Comparisons are constant-time.
 *
 * @param signer - the prepared secret
 * @param code1 - the first code, normalised (digits only)
 * @param code2 - the code that followed it, normalised
 * @param digits - code length
 * @param seconds - candidate steps of the second code
 */
export async function findConsecutive(
  signer: HMACSigner,
  code1: string,
  code2: string,
  digits: number,
  seconds: readonly number[],
): Promise<number | null> {
  const codes = new Map<number, string>()
  const codeAt = async (step: number): Promise<string> => {
    let code = codes.get(step)
    if (code === undefined) {
      code = truncate(await signer.sign(counterBytes(step)), digits)
      codes.set(step, code)
    }
    return code
  }
  for (const second of seconds) {
    const [first, next] = [await codeAt(second - 1), await codeAt(second)]
    if (timingSafeEqualString(first, code1) && timingSafeEqualString(next, code2)) return second - 1
  }
  return null
}
