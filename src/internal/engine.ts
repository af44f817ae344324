// The one door between createMFA and an HMAC engine: WebCrypto by default, or mfa-core/sync's `syncEngine`. The
// service prepares a secret once with `prepare` and matches typed codes with `matchStep`; the root OTP functions
// do not take an engine (they take bytes or a root OTPKey). Not API, except the HMACEngine type for createMFA.
import { timingSafeEqualString } from './bytes.js'
import { importHMACKey, signHMAC } from './crypto.js'
import { type Algorithm, counterBytes, truncate } from './otp.js'

/** A secret prepared for one algorithm: computes HMACs of messages (8-byte counters here). */
export interface HMACSigner {
  sign(message: Uint8Array<ArrayBuffer>): Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>
}

/**
 * An HMAC engine for `createMFA`: prepares raw secret bytes once for an algorithm. `syncEngine` from `mfa-core/sync`
 * is one (pure TypeScript, synchronous); without one the service uses WebCrypto.
 */
export interface HMACEngine {
  prepare(secret: Uint8Array, algorithm: Algorithm): HMACSigner | Promise<HMACSigner>
}

/** The default engine: a non-extractable WebCrypto HMAC key. */
export const webCryptoEngine: HMACEngine = {
  async prepare(secret, algorithm) {
    const key = await importHMACKey(secret, algorithm)
    return { sign: (message) => signHMAC(key, message) }
  },
}

/**
 * The first of `steps` (in the order given: the likeliest first) whose code equals `typed`, or null. Stops at the
 * first match; when nothing matches every step has been computed, so a wrong code's timing says nothing. Every
 * comparison is constant-time.
 */
export async function matchStep(
  signer: HMACSigner,
  typed: string,
  digits: number,
  steps: readonly number[],
): Promise<number | null> {
  for (const step of steps) {
    const mac = await signer.sign(counterBytes(step))
    if (timingSafeEqualString(typed, truncate(mac, digits))) return step
  }
  return null
}
