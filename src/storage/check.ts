// Argument checks shared by the store adapters (not part of the public API).
import { describe, OTPError } from '../errors.js'
import { isStorableText } from '../internal/text.js'
import type { MFAStoreSetOptions } from './store.js'

/**
 * Checks a key. `utf8` stores (SQL, Redis) encode keys as UTF-8, where a lone surrogate would silently become
 * U+FFFD and two different keys would share one record, and PostgreSQL text cannot hold U+0000: such keys throw.
 */
export function checkKey(key: unknown, utf8: boolean): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new OTPError('ERR_INVALID_OPTION', `store key must be a non-empty string, got ${describe(key)}`)
  }
  if (utf8 && !isStorableText(key)) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      'store key must be well-formed Unicode without U+0000 (lone surrogates would collide in UTF-8)',
    )
  }
}

/** Checks record data; for UTF-8 stores it must survive the encoding exactly. */
export function checkData(data: unknown, utf8: boolean): asserts data is string {
  if (typeof data !== 'string') {
    throw new OTPError('ERR_INVALID_OPTION', `store data must be a string, got ${describe(data)}`)
  }
  if (utf8 && !isStorableText(data)) {
    throw new OTPError('ERR_INVALID_OPTION', 'store data must be well-formed Unicode without U+0000')
  }
}

/** Checks a version: a positive safe integer, or `null` where allowed (create). */
export function checkVersion(version: unknown, allowNull: boolean): asserts version is number | null {
  if (version === null && allowNull) return
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `expected version must be a positive safe integer${allowNull ? ' or null' : ''}, got ${describe(version)}`,
    )
  }
}

/** Reads `options.ttlMs`: `undefined` (permanent) or a whole number of milliseconds, rounded up. */
export function readTTL(options: MFAStoreSetOptions | undefined): number | undefined {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object') {
    throw new OTPError('ERR_INVALID_OPTION', `set options must be an object, got ${describe(options)}`)
  }
  const ttl = options.ttlMs
  if (ttl === undefined) return undefined
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0 || ttl > 2 ** 40) {
    throw new OTPError('ERR_INVALID_OPTION', `ttlMs must be a positive number of milliseconds, got ${describe(ttl)}`)
  }
  return Math.ceil(ttl)
}

/** Reads a version coming back from a database (number, numeric string or bigint) and checks it. */
export function parseVersion(value: unknown): number {
  const version = typeof value === 'number' ? value : Number(value)
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new OTPError('ERR_STORAGE', `the store returned an invalid version: ${describe(value)}`)
  }
  return version
}

/**
 * Races a store call against a timer, so a hung connection fails closed instead of hanging the caller. The call
 * itself may still complete later on the server: a timed-out write may or may not have been applied.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined, what: string): Promise<T> {
  if (timeoutMs === undefined) return promise
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OTPError('ERR_STORAGE', `${what} timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Checks an optional timeout option. */
export function checkTimeout(timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new OTPError('ERR_INVALID_OPTION', `timeoutMs must be a positive number, got ${describe(timeoutMs)}`)
  }
  return timeoutMs
}
