// The one registry symbol every prepared key carries, whichever engine made it (WebCrypto OTPKey, mfa-core/sync's
// OTPKey): the root functions read it to compute HMACs. A Symbol.for key, so keys from another copy of the package
// (the ESM and CJS builds side by side) still work. Not API.
import type { Algorithm } from './otp.js'

export const KEY: unique symbol = Symbol.for('mfa-core.OTPKey') as never

/** A prepared key's algorithm and how to compute an HMAC with it. */
export interface KeySlot {
  readonly algorithm: Algorithm
  sign(message: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> | Uint8Array
}

/** Any key prepared by an engine: what the root functions accept besides raw bytes. */
export interface PreparedKey {
  readonly algorithm: Algorithm
  readonly [KEY]: KeySlot
}
