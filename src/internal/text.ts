// The one check of text that the package stores or binds into a key: well-formed Unicode, no U+0000, a length in
// bounds. Used by the storage adapters (keys and records) and the MFA service (user ids, labels, names). Not API.
import { describe, misuse } from '../errors.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** True when the string has no lone surrogate, so it survives UTF-8 encoding unchanged. */
export function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text)
}

/** True for text that survives UTF-8 and PostgreSQL unchanged: well-formed and without U+0000. */
export function isStorableText(text: string): boolean {
  return isWellFormed(text) && !text.includes('\u0000')
}

/**
 * Checks a text argument: a string of `min` to `max` UTF-16 code units, well-formed, without U+0000. SQL and Redis
 * stores encode keys as UTF-8, where a lone surrogate would become U+FFFD (two users, one record), so a user id the
 * memory store accepts in development must not fail or collide in production.
 *
 * @param name - the argument's name, for the message
 * @param value - as passed
 * @param max - the longest accepted (UTF-16 code units)
 * @param min - the shortest accepted (default 1)
 * @returns the text
 * @throws OTPError `ERR_INVALID_OPTION` otherwise (the message never echoes the value)
 */
export function checkText(name: string, value: unknown, max: number, min = 1): string {
  if (typeof value !== 'string' || value.length < min || value.length > max || !isStorableText(value)) {
    misuse(`${name} must be well-formed text of ${min} to ${max} characters without U+0000, got ${describe(value)}`)
  }
  return value
}
