// What the three servers answer, the same in each: a thrown error, a refusal of the MFA service and a started
// enrollment, as an HTTP status and a JSON body. The framework only sends it.
import { formatKeyForManualEntry, isOTPError } from 'mfa-core'
import { renderSVG } from 'mfa-core/qr'

/** How old a step-up proof may be for a sensitive change (disable, new recovery codes, a further authenticator). */
export const STEP_UP_MAX_AGE_MS = 5 * 60_000

/**
 * The step-up proof a session holds, for an operation that needs one, or undefined (the service then answers
 * `proof_required`): the proof from the last code the user typed, accepted if at most 5 minutes old.
 */
export function stepUp(session) {
  return session.proof ? { proof: session.proof, maxAgeMs: STEP_UP_MAX_AGE_MS } : undefined
}

/** A request the app refuses before it reaches the MFA service (a missing field, a field that is not text). */
export class BadRequest extends Error {
  status = 400
}

/**
 * The answer to an error thrown while handling a request. The MFA service throws only for what a user cannot fix:
 * `ERR_STORAGE` (the store failed, or kept losing the compare-and-set to other writers) is temporary, so 503 with
 * Retry-After; anything else (`ERR_INVALID_OPTION`, `ERR_DECRYPT` for a wrong key, a TypeError) is a bug or a
 * misconfiguration of this server: 500, logged, and no detail for the client. A client error the framework raised
 * itself (a body that is not JSON, too large) keeps its 4xx status.
 *
 * @param error - what was thrown
 * @param log - where to report it (default console)
 * @returns `{ status, headers, body }`
 */
export function errorAnswer(error, log = console) {
  if (isOTPError(error, 'ERR_STORAGE')) {
    log.warn(`MFA store unavailable: ${error.message}`)
    return { status: 503, headers: { 'retry-after': '2' }, body: { ok: false, error: 'unavailable' } }
  }
  const status = error?.status ?? error?.statusCode
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return { status, headers: {}, body: { ok: false, error: 'bad_request' } }
  }
  log.error('request failed:', error)
  return { status: 500, headers: {}, body: { ok: false, error: 'internal' } }
}

// The reasons that mean "prove it is you again" (a step-up) and those about the state of the account; every other
// refusal is about the code the user typed.
const STEP_UP = new Set(['proof_required', 'proof_expired', 'proof_revoked', 'proof_invalid'])
const STATE = new Set(['not_enrolled', 'not_pending', 'limit_reached', 'not_found', 'enrollment_expired'])

/**
 * The answer to a refusal (`{ ok: false, reason, retryAfterMs? }`) of the MFA service: 429 with Retry-After while
 * the user is locked out, 403 when a (fresh) step-up is needed, 409 when the account is not in the state the
 * request needs, 400 for a code that was not accepted. The body passes the reason on for the page to explain.
 *
 * @param refusal - the service's result
 * @returns `{ status, headers, body }`
 */
export function refusalAnswer({ reason, retryAfterMs }) {
  if (retryAfterMs !== undefined) {
    const headers = { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) }
    return { status: 429, headers, body: { ok: false, reason, retryAfterMs } }
  }
  const status = STEP_UP.has(reason) ? 403 : STATE.has(reason) ? 409 : 400
  return { status, headers: {}, body: { ok: false, reason } }
}

// A key or recovery codes: shown once, kept by no cache
const NO_STORE = { 'cache-control': 'no-store' }

/**
 * What the page shows to add an authenticator: the QR code as SVG (rendered here: the key never goes to a chart
 * service) and the key grouped for typing in by hand.
 *
 * @param begun - a successful `beginEnrollment` result
 * @returns `{ status: 200, headers, body: { ok, authenticatorId, qrSvg, manualKey, expiresAt } }`
 */
export function enrollmentAnswer({ authenticatorId, uri, secret, expiresAt }) {
  const qrSvg = renderSVG(uri, { title: 'Scan with your authenticator app' })
  const body = { ok: true, authenticatorId, qrSvg, manualKey: formatKeyForManualEntry(secret), expiresAt }
  return { status: 200, headers: NO_STORE, body }
}

/**
 * The answer that shows recovery codes (after the first authenticator is confirmed, or regenerated): once, in this
 * answer, which no cache may keep.
 *
 * @param result - a successful `confirmEnrollment` or `regenerateRecoveryCodes` result
 * @returns `{ status: 200, headers, body: { ok, recoveryCodes, authenticatorId? } }`
 */
export function recoveryCodesAnswer({ recoveryCodes, authenticatorId }) {
  return { status: 200, headers: NO_STORE, body: { ok: true, authenticatorId, recoveryCodes } }
}

/**
 * Reads the named text fields of a JSON body.
 *
 * @throws BadRequest when the body is not an object or a field is not a string of at most 200 characters
 */
export function fields(body, ...names) {
  const out = {}
  for (const name of names) {
    const value = body?.[name]
    if (typeof value !== 'string' || value.length > 200) throw new BadRequest(`${name} must be text`)
    out[name] = value
  }
  return out
}
