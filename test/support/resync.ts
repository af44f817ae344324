// What the resync suites (the machine's rule, the engine's step search) start from: the RFC 6238 SHA-1 secret, an
// instant 5 s into a step, and an authenticator whose last step is far behind. Portable: no node:* imports.
import { generateHOTP } from 'mfa-core'
import type { ResyncAuthenticator } from '../../src/mfa/machine/index.js'
import { ascii } from './env'

/** RFC 6238 Appendix B, SHA-1. */
export const RESYNC_SECRET = ascii('12345678901234567890')
/** 5 s into a 30 s step. */
export const RESYNC_T = Date.UTC(2026, 11, 1, 12, 0, 5)
/** The step of RESYNC_T. */
export const RESYNC_STEP = Math.floor(RESYNC_T / 30_000)

/** An authenticator at drift 0 whose last accepted step lies 100 steps back. */
export const resyncAuth = (over: Partial<ResyncAuthenticator> = {}): ResyncAuthenticator => ({
  id: 'a1',
  period: 30,
  lastStep: RESYNC_STEP - 100,
  drift: 0,
  ...over,
})

/** The code of `step` (an HOTP counter is a TOTP step). */
export const resyncCode = (step: number, secret = RESYNC_SECRET) => generateHOTP(secret, step)
