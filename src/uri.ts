import { decodeBase32, encodeBase32 } from './base32.js'
import { describe, OTPError } from './errors.js'
import { isBytes } from './internal/bytes.js'
import { MAX_NAME_LENGTH, MAX_PERIOD, MIN_PERIOD } from './internal/limits.js'
import { type Algorithm, checkCounter, HASH_BYTES, MAX_COUNTER } from './internal/otp.js'

/** The parts of an `otpauth://` key URI, named as the OTP functions take them. */
export interface KeyURIParams {
  /** `totp` (time-based, the default) or `hotp` (counter-based). */
  type?: 'totp' | 'hotp'
  /** Who issued the key, e.g. 'Example Cloud': shown above the account in authenticator apps. No `:`, at most {@link MAX_NAME_LENGTH} characters. */
  issuer?: string
  /** The user's account, e.g. an e-mail address. Non-empty, no `:`, at most {@link MAX_NAME_LENGTH} characters. */
  accountName: string
  /** The shared secret bytes. */
  secret: Uint8Array
  /** HMAC hash (default 'SHA1'). */
  algorithm?: Algorithm
  /** Code length, 6 to 10 (default 6). */
  digits?: number
  /** TOTP step in seconds, {@link MIN_PERIOD} to {@link MAX_PERIOD} (default 30). */
  period?: number
  /** HOTP only, required there: the next counter, 0 to 2^64 - 1. */
  counter?: number | bigint
  /** An https URL of a logo some apps show. */
  image?: string
}

/** A parsed key URI: every value present, defaults filled in, and unknown parameters kept in `extra`. */
export interface ParsedKeyURI extends KeyURIParams {
  type: 'totp' | 'hotp'
  algorithm: Algorithm
  digits: number
  /** Present for `totp`. */
  period?: number
  /** Present for `hotp`. */
  counter?: bigint
  /**
   * Parameters this library does not know, decoded, by name: every one, whatever its name (`__proto__` and
   * `constructor` included). A null-prototype object, so only names that were sent are present:
   * `Object.hasOwn(extra, name)` or `extra[name] !== undefined` both tell.
   */
  extra: Record<string, string>
}

/** Options of {@link parseKeyURI}. */
export interface ParseKeyURIOptions {
  /**
   * What to do when the label's issuer prefix and the `issuer` parameter differ: `'error'` (default) refuses the URI;
   * `'prefer-parameter'` or `'prefer-label'` keep one, as exports from some apps need.
   */
  issuerMismatch?: 'error' | 'prefer-parameter' | 'prefer-label'
}

const KNOWN = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'image'])
const MAX_URI_LENGTH = 8192

function invalidURI(message: string): OTPError {
  return new OTPError('ERR_URI_INVALID', `invalid key URI: ${message}`)
}

/** Percent-decodes one value exactly once; malformed escapes or invalid UTF-8 are errors, `+` stays `+`. */
function percentDecode(value: string, what: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw invalidURI(`malformed percent-encoding in ${what}`)
  }
}

/** RFC 3986 percent-encoding of a value: spaces become %20 (never +), `:` %3A, `&` %26, `#` %23. */
function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    throw invalidURI('issuer and accountName must be well-formed Unicode (no lone surrogates)')
  }
}

function checkLabelPart(value: unknown, name: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw invalidURI(
      `${name} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, got ${describe(value)}`,
    )
  }
  if (value.includes(':')) throw invalidURI(`${name} must not contain ':' (authenticator apps split the label on it)`)
  // Spaces after the label's ':' are optional padding that parsers drop, so a leading space could not round-trip.
  if (value.startsWith(' ')) throw invalidURI(`${name} must not start with a space`)
  return value
}

/**
 * An https URL as the URL parser reads it, with a host name or IP address for host (the URL parser lets `"` and `'`
 * through in a host), no user name or password (a logo needs none, and `https://bank.example@evil.example/` reads as
 * another host) and no quote or backtick anywhere: apps put it in an `<img src>`. Anything else is `ERR_URI_INVALID`.
 */
function httpsURL(value: unknown): URL {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (url?.protocol !== 'https:') throw invalidURI('image must be an https URL')
  if (url.username !== '' || url.password !== '') throw invalidURI('image must be an https URL without credentials')
  // The parser has lower-cased the host and turned non-ASCII names into xn-- labels (UTS #46).
  if (!/^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$/.test(url.hostname) || /['"`]/.test(url.href)) {
    throw invalidURI('image must be an https URL with a plain host name and no quotes')
  }
  return url
}

function checkImage(value: unknown): string | undefined {
  if (value === undefined) return undefined
  httpsURL(value)
  return value as string
}

/**
 * The secret parameter as base32 (RFC 4648 §6), in either case, padded exactly or not at all. Non-zero unused bits
 * in the last character are accepted (common in keys made of random characters; apps drop them too), but a length no
 * whole number of bytes encodes is refused: the app would keep a truncated key the phone does not have.
 */
function parseSecret(raw: string | undefined): Uint8Array {
  if (raw === undefined || raw === '') throw invalidURI('the secret parameter is missing')
  // Trailing '=' by a loop, not /=+$/, which backtracks quadratically on long runs of '='.
  let end = raw.length
  while (end > 0 && raw.charCodeAt(end - 1) === 61) end--
  if (/[^A-Za-z2-7]/.test(raw.slice(0, end))) throw invalidURI('the secret is not base32')
  if (end === 0) throw invalidURI('the secret is too short')
  // RFC 4648 §6: the final quantum has 8, 7, 5, 4 or 2 characters (40, 32, 24, 16 or 8 bits); 1, 3 or 6 leave 5 or
  // more bits over, so a character is missing or extra.
  const rest = end % 8
  if (rest === 1 || rest === 3 || rest === 6) {
    throw invalidURI(`the secret's length, ${end} base32 characters, is that of no whole number of bytes`)
  }
  // RFC 4648 §6: padding, when present, fills the final quantum to 8 characters (6, 4, 3 or 1 '=', none after 8).
  const padding = raw.length - end
  if (padding > 0 && padding !== (8 - rest) % 8) throw invalidURI('the secret has the wrong amount of padding')
  return decodeBase32(raw.slice(0, end), { loose: true })
}

function decimal(value: string, name: string, min: number, max: number): number {
  const number = /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN
  if (!(number >= min && number <= max)) throw invalidURI(`${name} must be an integer from ${min} to ${max}`)
  return number
}

/**
 * Builds an `otpauth://` key URI, the text inside the enrollment QR code.
 *
 * The issuer goes both in the label (`Issuer:account`) and in the `issuer` parameter, as apps disagree on which one
 * they read. Values are percent-encoded once (spaces as `%20`, never `+`). Algorithm, digits and period are written
 * only when they differ from the defaults every app assumes (SHA1, 6, 30), which keeps the QR code small.
 *
 * > [!WARNING]
 * > The URI contains the secret: show it only to the user enrolling, never log it, never send it to a QR service.
 *
 * @param params - see {@link KeyURIParams}; `accountName` and `secret` are required, `counter` too for hotp
 * @returns the URI, e.g. `otpauth://totp/Example%20Cloud:alice%40example.com?secret=...&issuer=Example%20Cloud`
 * @throws OTPError `ERR_URI_INVALID` for a `:` in issuer or account, an empty account or a name longer than
 *   {@link MAX_NAME_LENGTH}, a period outside {@link MIN_PERIOD}..{@link MAX_PERIOD}, a missing hotp counter, an
 *   image that is not a plain https URL (credentials, quotes), a bad algorithm or digits; `ERR_INVALID_COUNTER` for a
 *   bad counter
 * @example
 * const uri = createKeyURI({ issuer: 'Example Cloud', accountName: 'alice@example.com', secret })
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format
 */
export function createKeyURI(params: KeyURIParams): string {
  if (typeof params !== 'object' || params === null)
    throw invalidURI(`params must be an object, got ${describe(params)}`)
  const type = params.type ?? 'totp'
  if (type !== 'totp' && type !== 'hotp') throw invalidURI(`type must be 'totp' or 'hotp', got ${describe(type)}`)
  const issuer = checkLabelPart(params.issuer, 'issuer', false)
  const account = checkLabelPart(params.accountName, 'accountName', true) as string
  if (!isBytes(params.secret) || params.secret.length === 0) {
    throw new OTPError('ERR_INVALID_SECRET', `secret must be a non-empty Uint8Array, got ${describe(params.secret)}`)
  }
  const algorithm = params.algorithm ?? 'SHA1'
  if (HASH_BYTES[algorithm] === undefined) throw invalidURI(`algorithm must be SHA1, SHA256 or SHA512`)
  const digits = params.digits ?? 6
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw invalidURI('digits must be an integer from 6 to 10')
  const label = issuer === undefined ? percentEncode(account) : `${percentEncode(issuer)}:${percentEncode(account)}`
  let query = `secret=${encodeBase32(params.secret)}`
  if (issuer !== undefined) query += `&issuer=${percentEncode(issuer)}`
  if (algorithm !== 'SHA1') query += `&algorithm=${algorithm}`
  if (digits !== 6) query += `&digits=${digits}`
  if (type === 'totp') {
    const period = params.period ?? 30
    if (!Number.isSafeInteger(period) || period < MIN_PERIOD || period > MAX_PERIOD) {
      throw invalidURI(`period must be an integer from ${MIN_PERIOD} to ${MAX_PERIOD} (seconds)`)
    }
    if (period !== 30) query += `&period=${period}`
  } else {
    if (params.counter === undefined) throw invalidURI('an hotp URI needs a counter')
    query += `&counter=${checkCounter(params.counter)}`
  }
  const image = checkImage(params.image)
  if (image !== undefined) query += `&image=${percentEncode(image)}`
  return `otpauth://${type}/${label}?${query}`
}

/**
 * Parses an `otpauth://` key URI strictly, e.g. one scanned from another service's QR code or exported by an app.
 *
 * Each value is percent-decoded exactly once, after splitting, so `AT%26T`, `%23`, `100%25` and `%2520` come out as
 * `AT&T`, `#`, `100%` and `%20`. The result feeds straight into the OTP functions:
 * `generateTOTP(parsed.secret, parsed)`. The secret may be lower case and unpadded; `image` comes back as the URL
 * parser serialises it (`new URL(image).href`), so it holds no raw quote, space or angle bracket.
 *
 * @param uri - the key URI text
 * @param options.issuerMismatch - how to treat a label issuer that contradicts the `issuer` parameter
 *   (default `'error'`)
 * @returns the parts, with defaults filled in and unknown parameters in `extra`
 * @throws OTPError `ERR_URI_INVALID` naming the problem (never echoing the URI, which holds the secret): wrong scheme
 *   or type, missing or non-base32 secret, empty account, a name longer than {@link MAX_NAME_LENGTH}, unknown
 *   algorithm, digits outside 6..10, a period outside {@link MIN_PERIOD}..{@link MAX_PERIOD}, hotp
 *   without counter, duplicated parameters, malformed percent-encoding, contradicting issuers, an image that is not
 *   a plain https URL (credentials, quotes), a secret of a length no whole number of bytes encodes (8n + 1, 3 or 6
 *   characters) or wrongly padded
 * @example
 * const parsed = parseKeyURI('otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME')
 * const code = await generateTOTP(parsed.secret, parsed)
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format
 */
export function parseKeyURI(uri: string, options?: ParseKeyURIOptions): ParsedKeyURI {
  if (typeof uri !== 'string') throw invalidURI(`expected a string, got ${describe(uri)}`)
  if (uri.length > MAX_URI_LENGTH) throw invalidURI(`longer than ${MAX_URI_LENGTH} characters`)
  const mismatch = options?.issuerMismatch ?? 'error'
  if (mismatch !== 'error' && mismatch !== 'prefer-parameter' && mismatch !== 'prefer-label') {
    throw new OTPError('ERR_INVALID_OPTION', `issuerMismatch must be 'error', 'prefer-parameter' or 'prefer-label'`)
  }
  const match = /^otpauth:\/\/([^/?#]*)\/([^?#]*)(?:\?([^#]*))?$/i.exec(uri)
  if (match === null) {
    throw invalidURI(
      uri.toLowerCase().startsWith('otpauth://')
        ? 'not of the form otpauth://TYPE/LABEL?PARAMETERS'
        : 'the scheme must be otpauth://',
    )
  }
  const [, rawType = '', rawLabel = '', rawQuery = ''] = match
  const type = rawType.toLowerCase()
  if (type !== 'totp' && type !== 'hotp') throw invalidURI(`the type must be totp or hotp`)

  // Label: "issuer:account" with ':' or '%3A' between, split before decoding; spaces may follow the separator.
  const separator = /:|%3A/i.exec(rawLabel)
  const labelIssuer = separator === null ? undefined : percentDecode(rawLabel.slice(0, separator.index), 'the label')
  const rawAccount = separator === null ? rawLabel : rawLabel.slice(separator.index + separator[0].length)
  const accountName = percentDecode(rawAccount, 'the label').replace(/^ +/, '')
  if (accountName.length === 0) throw invalidURI('the account name is empty')
  if (accountName.includes(':')) throw invalidURI('the label has more than one issuer separator')
  if (labelIssuer === '') throw invalidURI('the label has an empty issuer before the separator')

  const params = new Map<string, string>()
  for (const part of rawQuery.split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    if (equals <= 0) throw invalidURI('a parameter has no name or no value')
    const name = percentDecode(part.slice(0, equals), 'a parameter name')
    if (params.has(name)) throw invalidURI(`the parameter ${KNOWN.has(name) ? name : '(unknown)'} appears twice`)
    params.set(name, percentDecode(part.slice(equals + 1), KNOWN.has(name) ? `the ${name} parameter` : 'a parameter'))
  }

  const secret = parseSecret(params.get('secret'))

  const paramIssuer = params.get('issuer')
  let issuer = paramIssuer ?? labelIssuer
  if (labelIssuer !== undefined && paramIssuer !== undefined && labelIssuer !== paramIssuer) {
    if (mismatch === 'error') throw invalidURI('the label issuer and the issuer parameter differ')
    issuer = mismatch === 'prefer-label' ? labelIssuer : paramIssuer
  }
  if (issuer === '') issuer = undefined
  if (accountName.length > MAX_NAME_LENGTH || (issuer?.length ?? 0) > MAX_NAME_LENGTH) {
    throw invalidURI(`the issuer and the account name must be at most ${MAX_NAME_LENGTH} characters`)
  }

  const rawAlgorithm = params.get('algorithm')?.toUpperCase() ?? 'SHA1'
  if (rawAlgorithm !== 'SHA1' && rawAlgorithm !== 'SHA256' && rawAlgorithm !== 'SHA512') {
    throw invalidURI('the algorithm must be SHA1, SHA256 or SHA512')
  }
  const digitsText = params.get('digits')
  const digits = digitsText === undefined ? 6 : decimal(digitsText, 'digits', 6, 10)

  // A null prototype: a parameter named __proto__ is then an own property like any other, not a prototype change.
  const extra: Record<string, string> = Object.create(null)
  const result: ParsedKeyURI = { type, accountName, secret, algorithm: rawAlgorithm, digits, extra }
  if (issuer !== undefined) result.issuer = issuer
  if (type === 'totp') {
    const periodText = params.get('period')
    result.period = periodText === undefined ? 30 : decimal(periodText, 'period', MIN_PERIOD, MAX_PERIOD)
  } else {
    const counterText = params.get('counter')
    if (counterText === undefined) throw invalidURI('an hotp URI needs a counter')
    if (!/^[0-9]{1,20}$/.test(counterText) || BigInt(counterText) > MAX_COUNTER) {
      throw invalidURI('counter must be an integer from 0 to 2^64 - 1')
    }
    result.counter = BigInt(counterText)
  }
  const image = params.get('image')
  // The URL parser's serialisation: percent-encoded quotes, spaces and angle brackets, a lower-case host.
  if (image !== undefined) result.image = httpsURL(image).href
  for (const [name, value] of params) {
    const known = KNOWN.has(name) && !(name === 'period' && type === 'hotp') && !(name === 'counter' && type === 'totp')
    if (!known) extra[name] = value
  }
  return result
}

/**
 * Formats a secret the way people type it from a screen: upper-case base32 in groups of four, e.g.
 * `JBSW Y3DP EHPK 3PXP`. Authenticator apps ignore the spaces.
 *
 * @param secret - the secret bytes, or base32 text (spaces, hyphens, case and padding are normalised)
 * @returns the grouped key
 * @throws OTPError `ERR_BASE32_INVALID` for text that is not base32; `ERR_INVALID_OPTION` for other types
 * @example
 * formatKeyForManualEntry(secret) // 'JBSW Y3DP EHPK 3PXP ...'
 */
export function formatKeyForManualEntry(secret: Uint8Array | string): string {
  const text = typeof secret === 'string' ? encodeBase32(decodeBase32(secret, { loose: true })) : encodeBase32(secret)
  return text.replace(/.{4}(?=.)/g, '$& ')
}
