// What the service's methods check before any transaction: user ids, labels and ids, the clock, import options,
// proofs and their ages, and the options of `verify`. Each throws OTPError `ERR_INVALID_OPTION` (developer misuse)
// and never echoes what it was given.
import { decodeBase32 } from '../base32.js'
import { describe, integerOption, misuse, mustBe, OTPError } from '../errors.js'
import { isBytes } from '../internal/bytes.js'
import { MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { checkAlgorithm } from '../internal/otp.js'
import { checkText } from '../internal/text.js'
import { parseKeyURI } from '../uri.js'
import type { ImportOptions, MFAAlgorithm, MFAProof, VerifyOptions } from './api.js'
import {
  DEFAULT_PROOF_MAX_AGE_MS,
  MAX_IMPORT_SECRET_BYTES,
  MAX_PROOF_MAX_AGE_MS,
  MAX_TRUSTED_DEVICE_TTL_MS,
  MIN_IMPORT_SECRET_BYTES,
  MIN_PROOF_MAX_AGE_MS,
  MIN_TRUSTED_DEVICE_TTL_MS,
} from './policy.js'
import { DEFAULT_LABEL } from './record/shapes.js'

/** A user id: 1 to 256 characters of well-formed text without U+0000 (it becomes part of a store key). */
export const checkUserId = (userId: unknown): string => checkText('userId', userId, 256)

/** An id the service handed out (authenticator, device): 1 to 64 characters. */
export const checkId = (name: string, id: unknown): string => checkText(name, id, 64)

/** A label the user gives an authenticator: 1 to 64 characters; absent, the default label. */
export const checkLabel = (label: unknown): string =>
  label === undefined ? DEFAULT_LABEL : checkText('label', label, 64)

/** An options argument: an object, or absent. */
export function checkOptions<T extends object>(name: string, options: T | undefined): Partial<T> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) misuse(`${name} must be an object, got ${describe(options)}`)
  return options
}

const LAST_DATE_MS = 8.64e15

/**
 * The service's clock, checked at every reading: milliseconds since the Unix epoch, up to the last Date (so now +
 * a TTL or a lock stays a safe integer). Only a finite number counts: a null, boolean, string or array would
 * otherwise be coerced (null reading as 1970).
 *
 * @param now - the `now` option of createMFA
 * @returns a clock that throws `ERR_INVALID_OPTION` (and so writes nothing) when `now` misbehaves
 */
export function checkedClock(now: unknown): () => number {
  if (typeof now !== 'function') misuse(`now must be a function, got ${describe(now)}`)
  return () => {
    const t = now()
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > LAST_DATE_MS) {
      misuse(`now() must return a finite number of milliseconds from 0 to ${LAST_DATE_MS}, got ${describe(t)}`)
    }
    return Math.floor(t)
  }
}

/**
 * A proof argument as the evidence side will read it: none given (an empty form field, or only spaces, is none, so
 * the answer is `proof_required`), a code (or recovery code) typed by the user, or a step-up proof with the oldest
 * age accepted (ms).
 */
export type ProofInput =
  | { kind: 'none' }
  | { kind: 'code'; text: unknown }
  | { kind: 'assertion'; response: object }
  | { kind: 'step-up'; text: unknown; maxAgeMs: number; bindTo: string | undefined }

/**
 * Checks a `bindTo` option: the application's session a proof is bound to, 1 to 1024 characters of well-formed
 * text without U+0000; absent, the proof is unbound.
 *
 * @throws OTPError `ERR_INVALID_OPTION` otherwise
 */
export const checkBindTo = (value: unknown): string | undefined =>
  value === undefined ? undefined : checkText('bindTo', value, 1024)

/**
 * Reads a proof argument. A `{ proof, maxAgeMs }` object is a step-up proof: it needs the `proofKey` option and a
 * valid `maxAgeMs`; any other object is a security key's assertion, and anything else is what the user typed (both
 * checked later, as data, never thrown on).
 *
 * @param proof - as passed
 * @param hasProofKey - whether the service can open step-up proofs
 * @throws OTPError `ERR_INVALID_OPTION` for a step-up proof without `proofKey` or with a bad `maxAgeMs`
 */
export function readProof(proof: MFAProof | undefined | null, hasProofKey: boolean): ProofInput {
  if (typeof proof === 'object' && proof !== null && !Object.hasOwn(proof, 'proof')) {
    return { kind: 'assertion', response: proof }
  }
  if (typeof proof === 'object' && proof !== null && 'proof' in proof) {
    if (!hasProofKey) misuse('step-up proofs need the proofKey option of createMFA')
    return {
      kind: 'step-up',
      text: proof.proof,
      maxAgeMs: checkMaxAge(proof.maxAgeMs),
      bindTo: checkBindTo(proof.bindTo),
    }
  }
  const given = typeof proof === 'string' ? proof.trim() !== '' : proof !== undefined && proof !== null
  return given ? { kind: 'code', text: proof } : { kind: 'none' }
}

/**
 * Checks a `maxAgeMs` option: 1 second to 1 day, in milliseconds; absent, 10 minutes.
 *
 * @throws OTPError `ERR_INVALID_OPTION` otherwise
 */
export function checkMaxAge(value: unknown): number {
  if (value === undefined) return DEFAULT_PROOF_MAX_AGE_MS
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= MIN_PROOF_MAX_AGE_MS &&
    value <= MAX_PROOF_MAX_AGE_MS
  ) {
    return value
  }
  throw mustBe('maxAgeMs', `an integer from ${MIN_PROOF_MAX_AGE_MS} to ${MAX_PROOF_MAX_AGE_MS} (milliseconds)`, value)
}

/**
 * Checks the `trustDevice` option of `verify`: a label the application shows in its device list and an optional
 * lifetime.
 *
 * @param value - `{ label, ttlMs? }` as passed
 * @param defaultTTLMs - the policy's lifetime, used when `ttlMs` is absent (ms)
 * @returns the label and the lifetime (ms)
 * @throws OTPError `ERR_INVALID_OPTION` when the label is not well-formed text of 1 to 64 characters without
 * U+0000, or `ttlMs` is not an integer from 1 minute to 400 days
 */
export function checkTrustDevice(value: unknown, defaultTTLMs: number): { label: string; ttlMs: number } {
  if (typeof value !== 'object' || value === null) throw mustBe('trustDevice', '{ label, ttlMs? }', value)
  const { label, ttlMs } = value as { label?: unknown; ttlMs?: unknown }
  checkText('trustDevice.label', label, 64)
  if (ttlMs === undefined) return { label: label as string, ttlMs: defaultTTLMs }
  if (
    typeof ttlMs === 'number' &&
    Number.isSafeInteger(ttlMs) &&
    ttlMs >= MIN_TRUSTED_DEVICE_TTL_MS &&
    ttlMs <= MAX_TRUSTED_DEVICE_TTL_MS
  ) {
    return { label: label as string, ttlMs }
  }
  const range = `an integer from ${MIN_TRUSTED_DEVICE_TTL_MS} to ${MAX_TRUSTED_DEVICE_TTL_MS} (milliseconds)`
  throw mustBe('trustDevice.ttlMs', range, ttlMs)
}

/**
 * The options of `verify`, checked: whether to issue a step-up proof (and the session it is bound to), and the
 * device to trust (label, ttl).
 *
 * @throws OTPError `ERR_INVALID_OPTION` when `proof` is neither a boolean nor `{ bindTo }` with a valid `bindTo`, or
 * for a bad `trustDevice`
 */
export function readVerifyOptions(
  options: VerifyOptions | undefined,
  trustedDeviceTTLMs: number,
): { proof: boolean; bindTo: string | undefined; trust: { label: string; ttlMs: number } | undefined } {
  const { proof = false, trustDevice } = checkOptions('verify options', options)
  let bindTo: string | undefined
  if (typeof proof !== 'boolean') {
    if (typeof proof !== 'object' || proof === null || Object.keys(proof).some((k) => k !== 'bindTo')) {
      misuse(`options.proof must be a boolean or { bindTo }, got ${describe(proof)}`)
    }
    bindTo = checkBindTo(proof.bindTo) ?? misuse('options.proof.bindTo must be given (or pass proof: true)')
  }
  const trust = trustDevice === undefined ? undefined : checkTrustDevice(trustDevice, trustedDeviceTTLMs)
  return { proof: proof !== false, bindTo, trust }
}

/** An import, checked as the service verifies it: the secret's bytes and parameters, label and last step. */
export interface CheckedImport {
  bytes: Uint8Array
  algorithm: MFAAlgorithm
  digits: number
  period: number
  label: string
  lastStep: number
  recoveryCodes: boolean
}

/** The options an import applies: with a secret, its TOTP parameters; with a key URI, the URI holds them. */
const IMPORT_KEYS = ['label', 'lastStep', 'recoveryCodes']
const SECRET_KEYS = ['secret', 'algorithm', 'digits', 'period', ...IMPORT_KEYS]
const URI_KEYS = ['uri', ...IMPORT_KEYS]

/** An option's name for a message: a short lower-camel-case name as is; anything else (a secret passed as a key) not echoed. */
const optionName = (key: string) => (/^[a-z][A-Za-z]{0,19}$/.test(key) ? `the option ${key}` : 'an unknown option')

/**
 * Refuses every option an import would not apply: `epoch` (the service verifies TOTP counted from the Unix epoch
 * only), any unknown key, the parameters of a secret next to a key URI (the URI carries its own), and
 * `recoveryCodes` that is not a boolean. Silently ignoring one would import something else than the caller meant.
 */
function checkImportKeys(options: object): void {
  const uri = Object.hasOwn(options, 'uri')
  const allowed = uri ? URI_KEYS : SECRET_KEYS
  for (const key of Object.keys(options)) {
    if (key === 'epoch') {
      misuse('importAuthenticator does not apply epoch: the service verifies TOTP counted from the Unix epoch only')
    }
    if (uri && SECRET_KEYS.includes(key) && !IMPORT_KEYS.includes(key)) {
      misuse(`importAuthenticator takes either uri or secret with its parameters, not ${key} together with uri`)
    }
    if (!allowed.includes(key)) misuse(`importAuthenticator does not apply ${optionName(key)}`)
  }
  const { recoveryCodes } = options as { recoveryCodes?: unknown }
  if (recoveryCodes !== undefined && typeof recoveryCodes !== 'boolean') {
    misuse(`recoveryCodes must be a boolean, got ${describe(recoveryCodes)}`)
  }
}

/**
 * Reads the options of `importAuthenticator`: a secret (bytes or base32) with its parameters, or a TOTP key URI.
 *
 * @throws OTPError `ERR_URI_INVALID` for a bad or HOTP URI, `ERR_INVALID_SECRET` for a secret outside 10 to 1024
 * bytes, `ERR_BASE32_INVALID`, `ERR_INVALID_OPTION` for parameters the service does not verify, and for an option it
 * would not apply (`epoch`, an unknown key, `uri` with `secret` or its parameters, a non-boolean `recoveryCodes`)
 */
export function readImport(options: ImportOptions): CheckedImport {
  if (typeof options !== 'object' || options === null)
    misuse(`import options must be an object, got ${describe(options)}`)
  checkImportKeys(options)
  let bytes: Uint8Array
  let algorithm: unknown
  let digits: unknown
  let period: unknown
  if ('uri' in options) {
    const parsed = parseKeyURI(options.uri)
    if (parsed.type !== 'totp') {
      throw new OTPError('ERR_URI_INVALID', 'invalid key URI: the MFA service imports totp URIs only, not hotp')
    }
    ;({ secret: bytes, algorithm, digits, period } = parsed)
  } else {
    const secret = options.secret
    bytes = typeof secret === 'string' ? decodeBase32(secret) : (secret as Uint8Array)
    if (!isBytes(bytes)) {
      throw new OTPError('ERR_INVALID_SECRET', `secret must be bytes or base32 text, got ${describe(secret)}`)
    }
    ;({ algorithm, digits, period } = options)
  }
  if (bytes.length < MIN_IMPORT_SECRET_BYTES || bytes.length > MAX_IMPORT_SECRET_BYTES) {
    throw new OTPError(
      'ERR_INVALID_SECRET',
      `secret must be ${MIN_IMPORT_SECRET_BYTES} to ${MAX_IMPORT_SECRET_BYTES} bytes, got ${describe(bytes)}`,
    )
  }
  return {
    bytes: new Uint8Array(bytes),
    algorithm: checkAlgorithm(algorithm),
    digits: integerOption(digits, 'digits', 6, 10, 6),
    period: integerOption(period, 'period (seconds)', MIN_PERIOD, MAX_PERIOD, 30),
    label: checkLabel(options.label),
    lastStep: integerOption(options.lastStep, 'lastStep', -1, Number.MAX_SAFE_INTEGER, -1),
    recoveryCodes: options.recoveryCodes === true,
  }
}
