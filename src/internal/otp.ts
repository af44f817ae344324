// Engine-neutral OTP logic shared by the WebCrypto entry and mfa-core/sync: option checks, the counter encoding,
// RFC 4226 dynamic truncation, code normalisation and the window decision. Everything here is synchronous and pure;
// only the HMAC differs between engines. Not API.
import { describe, integerOption, mustBe, OTPError } from '../errors.js'

/** HMAC hash, spelled as in otpauth:// URIs. */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512'

/** Output length of each hash in bytes: RFC 4226 §4 asks for secrets at least this long (R6, 160 bits for SHA-1). */
export const HASH_BYTES: Readonly<Record<Algorithm, number>> = { SHA1: 20, SHA256: 32, SHA512: 64 }

/** 2^53 - 1: steps, periods and epochs are doubles, exact up to here. */
const SAFE = Number.MAX_SAFE_INTEGER

/** 2^64 - 1: RFC 4226 §5.1 defines the counter as an 8-byte value. */
export const MAX_COUNTER = 0xffff_ffff_ffff_ffffn

/** The widest TOTP window accepted on either side, in steps (10 steps of 30 s = 5 minutes). */
export const MAX_WINDOW = 10

/** The most counters an HOTP verification looks ahead (RFC 4226 §7.4 leaves it to the server; keep it small). */
export const MAX_LOOK_AHEAD = 100

/** Longest code input looked at; anything longer is malformed without further work. */
const MAX_CODE_INPUT = 64

/** Reads an options argument: undefined means defaults, anything but a plain object is misuse. */
export function readOptions<T extends object>(options: T | undefined): Partial<T> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw mustBe('options', 'an object', options)
  return options
}

export function checkAlgorithm(value: unknown, fallback: Algorithm = 'SHA1'): Algorithm {
  if (value === undefined) return fallback
  if (value === 'SHA1' || value === 'SHA256' || value === 'SHA512') return value
  throw mustBe('algorithm', "'SHA1', 'SHA256' or 'SHA512'", value)
}

export const checkDigits = (value: unknown): number => integerOption(value, 'digits', 6, 10, 6)

/** Period (X in RFC 6238 §4.1), in whole seconds. */
export const checkPeriod = (value: unknown): number => integerOption(value, 'period (seconds)', 1, SAFE, 30)

/** T0 of RFC 6238 §4.1, in whole seconds since the Unix epoch. */
export const checkEpoch = (value: unknown): number => integerOption(value, 'epoch (T0, seconds)', -SAFE, SAFE, 0)

/** The time to compute at, in milliseconds since the Unix epoch (like Date.now()). */
export function checkTimestamp(value: unknown): number {
  if (value === undefined) return Date.now()
  if (typeof value === 'number' && Math.abs(value) <= SAFE) return value
  throw mustBe('timestamp', 'finite milliseconds since the Unix epoch', value)
}

/** RFC 6238 §4.2: T = floor((Current Unix time - T0) / X), with the time in milliseconds here. */
export function timeStep(timestamp: number, epoch: number, period: number): number {
  const step = Math.floor((timestamp - epoch * 1000) / (period * 1000))
  // Past 2^53 the step would be rounded: a wrong code, silently. Only absurd epochs get there.
  if (!(step >= 0 && step <= SAFE)) throw mustBe('timestamp', 'at or after epoch (T0), within 2^53 steps', timestamp)
  return step
}

export interface TOTPSettings {
  algorithm: Algorithm | undefined
  digits: number
  step: number
}

/** Validates the options shared by generateTOTP and verifyTOTP and computes the current step. */
export function totpSettings(options: {
  algorithm?: unknown
  digits?: unknown
  period?: unknown
  epoch?: unknown
  timestamp?: unknown
}): TOTPSettings {
  const algorithm = options.algorithm === undefined ? undefined : checkAlgorithm(options.algorithm)
  const digits = checkDigits(options.digits)
  const period = checkPeriod(options.period)
  const epoch = checkEpoch(options.epoch)
  const step = timeStep(checkTimestamp(options.timestamp), epoch, period)
  return { algorithm, digits, step }
}

/** An HOTP counter (RFC 4226 §5.1: 8 bytes), as a bigint; numbers must be safe integers. */
export function checkCounter(value: unknown): bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value)
    throw new OTPError(
      'ERR_INVALID_COUNTER',
      `counter must be a non-negative safe integer (use a bigint above 2^53 - 1), got ${describe(value)}`,
    )
  }
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= MAX_COUNTER) return value
    throw new OTPError('ERR_INVALID_COUNTER', `counter must be from 0 to 2^64 - 1, got ${describe(value)}`)
  }
  throw new OTPError('ERR_INVALID_COUNTER', `counter must be a number or a bigint, got ${describe(value)}`)
}

/**
 * RFC 4226 §5.2: the counter as 8 bytes, big-endian, from its high and low 32-bit halves (a TOTP step passes
 * `counter` alone; {@link bigCounterBytes} splits a bigint).
 */
export function counterBytes(counter: number, high = Math.floor(counter / 0x1_0000_0000)): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, high)
  view.setUint32(4, counter >>> 0)
  return bytes
}

/** {@link counterBytes} of an HOTP counter up to 2^64 - 1. */
export const bigCounterBytes = (counter: bigint): Uint8Array<ArrayBuffer> =>
  counterBytes(Number(counter & 0xffff_ffffn), Number(counter >> 32n))

/** RFC 4226 §5.3: dynamic truncation takes 31 bits at the offset given by the low nibble of the last byte. */
export function truncate(hmac: Uint8Array | ArrayBuffer, digits: number): string {
  const mac = ArrayBuffer.isView(hmac) ? hmac : new Uint8Array(hmac)
  const offset = (mac[mac.length - 1] as number) & 0x0f
  const binary =
    (((mac[offset] as number) & 0x7f) << 24) |
    ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) |
    (mac[offset + 3] as number)
  // 31 bits fit a double exactly; for 10 digits the modulus exceeds 2^31 and the value is kept whole.
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/**
 * What the user typed, reduced to `digits` ASCII digits, or null when it cannot be a code (malformed).
 * Whitespace anywhere (spaces as people group codes, "123 456"; a tab or newline a form or a paste leaves) is
 * ignored; anything else that is not an ASCII digit makes the code malformed.
 */
export function normalizeCode(code: unknown, digits: number): string | null {
  if (typeof code !== 'string' || code.length > MAX_CODE_INPUT) return null
  // The common case, exactly the digits, skips the whitespace pass.
  const compact = code.length === digits ? code : code.replace(/\s+/g, '')
  return compact.length === digits && /^[0-9]+$/.test(compact) ? compact : null
}

/** A window in steps: a number for both sides, or { past, future }. Capped at MAX_WINDOW each way. */
export function checkWindow(value: unknown, fallback = 1): { past: number; future: number } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { past, future } = value as { past?: unknown; future?: unknown }
    return {
      past: integerOption(past, 'window.past', 0, MAX_WINDOW, 0),
      future: integerOption(future, 'window.future', 0, MAX_WINDOW, 0),
    }
  }
  const side = integerOption(value, 'window', 0, MAX_WINDOW, fallback)
  return { past: side, future: side }
}

export const checkAfterStep = (value: unknown): number => integerOption(value, 'afterStep', -1, SAFE, -1)

export const checkLookAhead = (value: unknown): number => integerOption(value, 'lookAhead', 0, MAX_LOOK_AHEAD, 0)

/** The outcome of `verifyTOTP`: the matched step (store it as `afterStep`), or why it failed. */
export type TOTPResult =
  | { valid: true; step: number; delta: number }
  | { valid: false; reason: 'malformed' | 'mismatch' | 'replayed' }

/**
 * The steps of a TOTP window in the order a verification checks them, the likeliest first: now, then the nearer
 * neighbours, the earlier before the later at each distance (now, now - 1, now + 1, now - 2, now + 2, ...). Steps
 * below 0 do not exist. `fresh` holds the steps after `afterStep`, `stale` the others (RFC 6238 §5.2: a code is
 * accepted once, so a match there is `replayed`).
 *
 * @throws OTPError `ERR_INVALID_OPTION` when the window would reach past 2^53 - 1 (there steps are no longer exact,
 *   and a counting loop would never end): refused up front, before any HMAC
 */
export function windowOrder(
  step: number,
  window: { past: number; future: number },
  afterStep: number,
): { fresh: number[]; stale: number[] } {
  if (step > SAFE - window.future) {
    const expected = `at most 2^53 - 1 - ${window.future} (the window's future side)`
    throw mustBe('the time step of timestamp, epoch and period', expected, step)
  }
  const fresh: number[] = []
  const stale: number[] = []
  for (const s of likeliestFirst(step, window.past, window.future)) (s > afterStep ? fresh : stale).push(s)
  return { fresh, stale }
}

/**
 * The steps around `centre` the likeliest first: `centre`, then at each distance the earlier before the later, up to
 * `past` steps back and `future` ahead (centre, centre - 1, centre + 1, centre - 2, ...). RFC 6238 §4: steps before
 * the epoch do not exist, so none below 0 is listed. The one order of every search over steps: a verification's
 * window, the MFA service's login and enrollment gates, and a resync's search.
 */
export function likeliestFirst(centre: number, past: number, future: number): number[] {
  const steps = centre >= 0 ? [centre] : []
  for (let d = 1; d <= past || d <= future; d++) {
    if (d <= past && centre - d >= 0) steps.push(centre - d)
    if (d <= future && centre + d >= 0) steps.push(centre + d)
  }
  return steps
}

/** The result of a TOTP check from its first fresh match (null: none) and whether a stale step matched. */
export function totpResult(matched: number | null, now: number, replayed: boolean): TOTPResult {
  if (matched !== null) return { valid: true, step: matched, delta: matched - now }
  return { valid: false, reason: replayed ? 'replayed' : 'mismatch' }
}

/** The outcome of `verifyHOTP`: the matched counter (store `counter + 1n`), or why it failed. */
export type HOTPResult =
  | { valid: true; counter: bigint; delta: number }
  | { valid: false; reason: 'malformed' | 'mismatch' }

/** The counters an HOTP verification computes: counter .. counter + lookAhead, never past 2^64 - 1. */
export function lookAheadCounters(counter: bigint, lookAhead: number): bigint[] {
  const counters: bigint[] = []
  for (let c = counter; c <= counter + BigInt(lookAhead) && c <= MAX_COUNTER; c++) counters.push(c)
  return counters
}
