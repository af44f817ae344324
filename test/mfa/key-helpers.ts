// Node only: a software security key for the service tests, on the authenticator of test/support/webauthn.ts. It
// answers the options the service hands out (their challenge, the page's origin, the RP ID) and keeps its counter
// the way a key does; a test can sign with any counter, flags or challenge to play a clone or a tampered response.
import type { SecurityKeyAssertion, SecurityKeyRegistration } from 'mfa-core'
import {
  type Alg,
  authentication,
  b64url,
  credential,
  FLAGS,
  type Parts,
  registration,
  sha256,
} from '../support/webauthn.js'

export const RP_ID = 'example.com'
export const ORIGIN = 'https://example.com'
export const WEBAUTHN = { rpId: RP_ID, rpName: 'Example Cloud', origins: [ORIGIN] }

export interface SignOptions {
  /** sign over this challenge instead of the options' */
  challenge?: string
  /** this counter (else the key's next one) */
  signCount?: number
  flags?: number
  origin?: string
  rpId?: string
  /** break the signature */
  badSignature?: boolean
}

/** A software key: registers against creation options, signs request options, counts like a hardware key. */
export function softKey(alg: Alg = -7, options: { counting?: boolean; flags?: number; transports?: string[] } = {}) {
  const parts: Parts = credential(alg, { flags: options.flags ?? FLAGS.UP | FLAGS.UV })
  let counter = 0
  const counting = options.counting ?? true
  const rpIdHash = (rpId?: string) => sha256(rpId ?? RP_ID)
  return {
    parts,
    /** the credential id, base64url */
    credentialId: b64url(parts.credentialId),
    get counter() {
      return counter
    },
    register(creation: { challenge: string }, sign: SignOptions = {}): SecurityKeyRegistration {
      if (counting) counter += 1
      return registration({
        ...parts,
        signCount: sign.signCount ?? (counting ? counter : 0),
        flags: sign.flags ?? parts.flags,
        rpIdHash: rpIdHash(sign.rpId),
        clientData: { challenge: sign.challenge ?? creation.challenge, origin: sign.origin ?? ORIGIN },
        transports: options.transports ?? ['usb'],
      }) as SecurityKeyRegistration
    },
    sign(request: { challenge: string } | undefined, sign: SignOptions = {}): SecurityKeyAssertion {
      if (counting && sign.signCount === undefined) counter += 1
      const challenge = sign.challenge ?? request?.challenge
      if (challenge === undefined) throw new Error('no challenge to sign: the user has no key, or challenge() refused')
      return authentication({
        ...parts,
        signCount: sign.signCount ?? (counting ? counter : 0),
        flags: sign.flags ?? parts.flags,
        rpIdHash: rpIdHash(sign.rpId),
        clientData: { challenge, origin: sign.origin ?? ORIGIN },
        ...(sign.badSignature
          ? { tamperSignature: (s: Uint8Array) => s.map((b, i) => (i === s.length - 1 ? b ^ 1 : b)) }
          : {}),
      })
    },
  }
}

export type SoftKey = ReturnType<typeof softKey>
