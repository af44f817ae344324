// What an error from a database driver may pass on as the `cause` of an OTPError: its class name, code and message,
// never what else the driver attached. mysql2 keeps the statement it ran (`sql`, parameters inlined) and ioredis the
// command's arguments (`command.args`): for a write, that is the whole MFA record, secrets included, which
// `console.error(error)` would print in a log.
import { isOTPError, OTPError } from '../errors.js'

/**
 * A copy of `error` holding only its class name (`name`), `code` (a string or number) and `message`. An OTPError
 * keeps its own code and message, with its cause reduced the same way.
 *
 * @param error - what a driver (or an adapter) threw
 * @returns an Error safe to keep as a cause, or undefined for nothing
 */
export function safeCause(error: unknown): Error | undefined {
  try {
    return reduce(error)
  } catch {
    // a hostile object (a throwing getter, a revoked proxy) is described by nothing it holds
    return new Error('an error that could not be read')
  }
}

function reduce(error: unknown): Error | undefined {
  if (error === undefined || error === null) return undefined
  if (isOTPError(error)) {
    const inner = reduce((error as Error).cause)
    return new OTPError(error.code, error.message, inner === undefined ? {} : { cause: inner })
  }
  const e = error as { name?: unknown; message?: unknown; code?: unknown }
  const message = typeof error === 'object' && typeof e.message === 'string' ? e.message : `a thrown ${typeof error}`
  const copy = new Error(message) as Error & { code?: string | number }
  copy.name = typeof error === 'object' && typeof e.name === 'string' ? e.name : 'Error'
  if (typeof e.code === 'string' || typeof e.code === 'number') copy.code = e.code
  // the copy's stack would point here, not at the driver: keep just its first line
  copy.stack = `${copy.name}: ${message}`
  return copy
}
