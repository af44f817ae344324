// A real browser: Debian's Chromium with its virtual authenticator (DevTools protocol, WebAuthn domain) creates and
// uses credentials through navigator.credentials, and mfa-core/webauthn verifies what `toJSON()` gives, for EdDSA,
// ES256 and RS256, CTAP2 and U2F, USB and platform authenticators, with and without user verification; the
// authenticator's override bits make bogus signatures and missing UP/UV; addCredential plants a key the test knows.
// The page is served on http://localhost:<port>: a secure context whose host is a valid RP ID (an IP is not).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type COSEAlgorithm,
  createAuthenticationOptions,
  createRegistrationOptions,
  verifyAuthentication,
  verifyRegistration,
} from 'mfa-core/webauthn'
import type { Browser, CDPSession, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { b64url, generateKey } from '../support/webauthn'
import { haveChromium, launchChromium } from './chromium'

const available = haveChromium('WebAuthn virtual authenticator')

interface Authenticator {
  protocol: 'ctap2' | 'u2f'
  transport: 'usb' | 'internal'
  hasResidentKey: boolean
  hasUserVerification: boolean
  isUserVerified: boolean
}

const CTAP2_USB_UV: Authenticator = {
  protocol: 'ctap2',
  transport: 'usb',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
}
const CTAP2_INTERNAL_UV: Authenticator = { ...CTAP2_USB_UV, transport: 'internal' }
const CTAP2_USB_NO_UV: Authenticator = { ...CTAP2_USB_UV, hasUserVerification: false, isUserVerified: false }
const U2F_USB: Authenticator = {
  protocol: 'u2f',
  transport: 'usb',
  hasResidentKey: false,
  hasUserVerification: false,
  isUserVerified: false,
}

describe.runIf(available)("mfa-core/webauthn with Chromium's virtual authenticator", () => {
  let server: Server
  let browser: Browser
  let page: Page
  let cdp: CDPSession
  let origin: string
  const rpId = 'localhost'

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>webauthn</title>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://localhost:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
    page = await browser.newPage()
    await page.goto(`${origin}/`)
    cdp = await page.context().newCDPSession(page)
    await cdp.send('WebAuthn.enable', { enableUI: false })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function withAuthenticator<T>(options: Authenticator, body: (id: string) => Promise<T>): Promise<T> {
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options })
    try {
      return await body(authenticatorId)
    } finally {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
    }
  }

  const create = (options: unknown) =>
    page.evaluate(async (json) => {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json as PublicKeyCredentialCreationOptionsJSON)
      const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential
      return credential.toJSON()
    }, options)

  const get = (options: unknown) =>
    page.evaluate(async (json) => {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(json as PublicKeyCredentialRequestOptionsJSON)
      const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential
      return credential.toJSON()
    }, options)

  async function register(algorithm: COSEAlgorithm, userVerification: 'required' | 'discouraged' = 'discouraged') {
    const options = createRegistrationOptions({
      rp: { id: rpId, name: 'mfa-core test' },
      user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'alice@example.com', displayName: 'Alice' },
      algorithms: [algorithm],
      userVerification,
    })
    const response = await create(options)
    return { response, challenge: options.challenge }
  }

  const cases: [string, Authenticator, COSEAlgorithm][] = [
    ['CTAP2 USB key with UV, EdDSA', CTAP2_USB_UV, -8],
    ['CTAP2 USB key with UV, ES256', CTAP2_USB_UV, -7],
    ['CTAP2 USB key with UV, RS256', CTAP2_USB_UV, -257],
    ['CTAP2 platform authenticator with UV, ES256', CTAP2_INTERNAL_UV, -7],
    ['CTAP2 USB key without UV, EdDSA', CTAP2_USB_NO_UV, -8],
    ['U2F USB key, ES256', U2F_USB, -7],
  ]

  it.each(cases)('%s: registers, then signs in twice with a growing counter', async (_name, authenticator, alg) => {
    await withAuthenticator(authenticator, async () => {
      const uv = authenticator.isUserVerified
      const { response, challenge } = await register(alg, uv ? 'required' : 'discouraged')
      const registered = await verifyRegistration(response, {
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        requireUserVerification: uv,
      })
      if (!registered.ok) throw new Error(`registration refused: ${registered.reason}`)
      expect(registered.credential.algorithm).toBe(alg)
      expect(registered.credential.attestation).toBe('none')
      expect(registered.credential.userVerified).toBe(uv)
      expect(registered.credential.transports).toContain(authenticator.transport)
      let { signCount } = registered.credential
      for (let i = 0; i < 2; i++) {
        const options = createAuthenticationOptions({ rpId, allowCredentials: [{ id: registered.credential.id }] })
        const assertion = await get(options)
        const result = await verifyAuthentication(assertion, {
          expectedChallenge: options.challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          credential: { ...registered.credential, signCount },
          requireUserVerification: uv,
        })
        if (!result.ok) throw new Error(`authentication refused: ${result.reason}`)
        expect(result.userVerified).toBe(uv)
        expect(result.counterRegressed).toBe(false)
        expect(result.signCount).toBeGreaterThan(signCount)
        signCount = result.signCount
      }
      // a replayed assertion under a new challenge is refused
      const first = createAuthenticationOptions({ rpId, allowCredentials: [{ id: registered.credential.id }] })
      const assertion = await get(first)
      const replay = await verifyAuthentication(assertion, {
        expectedChallenge: createAuthenticationOptions({ rpId }).challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        credential: { ...registered.credential, signCount },
      })
      expect(replay).toEqual({ ok: false, reason: 'challenge_mismatch' })
    })
  })

  it('user verification required, from an authenticator without it: user_not_verified', async () => {
    await withAuthenticator(CTAP2_USB_NO_UV, async () => {
      const { response, challenge } = await register(-7)
      const options = { expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId }
      expect((await verifyRegistration(response, options)).ok).toBe(true)
      expect(await verifyRegistration(response, { ...options, requireUserVerification: true })).toEqual({
        ok: false,
        reason: 'user_not_verified',
      })
    })
  })

  it.each<[string, Record<string, boolean>, string, boolean]>([
    ['a bogus signature', { isBogusSignature: true }, 'bad_signature', false],
    ['UP missing', { isBadUP: true }, 'user_not_present', false],
    ['UV missing while required', { isBadUV: true }, 'user_not_verified', true],
  ])('setResponseOverrideBits, %s: %s', async (_name, bits, reason, requireUV) => {
    await withAuthenticator(CTAP2_USB_UV, async (authenticatorId) => {
      const { response, challenge } = await register(-7)
      const registered = await verifyRegistration(response, {
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
      })
      if (!registered.ok) throw new Error(registered.reason)
      await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, ...bits })
      const options = createAuthenticationOptions({
        rpId,
        allowCredentials: [{ id: registered.credential.id }],
        userVerification: 'discouraged',
      })
      const assertion = await get(options)
      const result = await verifyAuthentication(assertion, {
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpId,
        credential: registered.credential,
        requireUserVerification: requireUV,
      })
      expect(result).toEqual({ ok: false, reason })
    })
  })

  it.each<[string, COSEAlgorithm]>([
    ['EdDSA', -8],
    ['ES256', -7],
    ['RS256', -257],
  ])('addCredential with a %s key the test knows: the assertion verifies under its COSE key', async (_name, alg) => {
    await withAuthenticator(CTAP2_USB_UV, async (authenticatorId) => {
      const key = generateKey(alg)
      const credentialId = crypto.getRandomValues(new Uint8Array(32))
      const privateKey = key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId,
        credential: {
          credentialId: Buffer.from(credentialId).toString('base64'),
          isResidentCredential: false,
          rpId,
          privateKey,
          signCount: 10,
        },
      })
      const id = b64url(credentialId)
      const options = createAuthenticationOptions({ rpId, allowCredentials: [{ id }] })
      const assertion = await get(options)
      const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpId }
      const result = await verifyAuthentication(assertion, {
        ...expected,
        credential: { id, publicKey: key.cose, signCount: 10 },
      })
      expect(result).toMatchObject({ ok: true, signCount: 11, counterRegressed: false })
      // under another key of the same algorithm the same assertion is refused
      const other = generateKey(alg).cose
      expect(
        await verifyAuthentication(assertion, { ...expected, credential: { id, publicKey: other, signCount: 10 } }),
      ).toEqual({ ok: false, reason: 'bad_signature' })
    })
  })
})
