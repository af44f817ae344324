// safeCause: what a driver's error may pass on as a cause (class name, code, message), whatever was thrown.
import { OTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { safeCause } from '../../src/internal/cause'
import { HOSTILE } from '../support/hostile'

class DriverError extends Error {
  override name = 'DriverError'
  code = 'ER_SOMETHING'
  sql = 'INSERT INTO t VALUES ("secret")'
  command = { name: 'eval', args: ['script', '1', 'key', '{"b32":"SECRET"}'] }
  params = ['{"b32":"SECRET"}']
}

describe('safeCause', () => {
  it('keeps the class name, code and message; drops the statement, parameters, command and stack', () => {
    const cause = safeCause(new DriverError('duplicate entry')) as Error & Record<string, unknown>
    expect({ name: cause.name, code: cause.code, message: cause.message }).toEqual({
      name: 'DriverError',
      code: 'ER_SOMETHING',
      message: 'duplicate entry',
    })
    expect(cause.stack).toBe('DriverError: duplicate entry')
    expect(JSON.stringify(Object.getOwnPropertyNames(cause))).not.toMatch(/sql|command|params/)
  })

  it("reduces an adapter's OTPError's cause the same way, keeping its own code and message", () => {
    const adapter = new OTPError('ERR_STORAGE', 'the table "t" does not exist', { cause: new DriverError('no table') })
    const cause = safeCause(adapter) as OTPError
    expect([cause.code, cause.message]).toEqual(['ERR_STORAGE', 'the table "t" does not exist'])
    expect(Object.keys(cause.cause as object)).not.toContain('sql')
    expect((cause.cause as Error).message).toBe('no table')
  })

  it('undefined and null give no cause; a thrown value that is no error is named by its type only', () => {
    expect(safeCause(undefined)).toBeUndefined()
    expect(safeCause(null)).toBeUndefined()
    expect(safeCause('SECRET-in-a-string')?.message).toBe('a thrown string')
    expect(safeCause(42)?.message).toBe('a thrown number')
  })

  it.each(HOSTILE.map((v) => [v]))('never throws for %s', (value) => {
    expect(() => safeCause(value)).not.toThrow()
  })

  it('a throwing getter is described by nothing it holds', () => {
    const hostile = {
      get message(): string {
        throw new Error('boom')
      },
    }
    expect(safeCause(hostile)?.message).toBe('an error that could not be read')
  })
})
