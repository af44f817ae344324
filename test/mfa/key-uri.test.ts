// The service builds its enrollment URI without createKeyURI (bundle size): it must give exactly the same text for
// every input the service can pass, and refuse exactly the same inputs.
import fc from 'fast-check'
import { createKeyURI, isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { enrollmentURI } from '../../src/mfa/key-uri.js'
import { numRuns } from '../support/env'

const NUM_RUNS = numRuns
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom(
    'Example Cloud',
    'alice@example.com',
    'AT&T',
    '100%',
    'a#b',
    'a:b',
    'a+b c',
    '\uD800',
    'é',
    ' lead',
    'trail ',
  ),
)

function outcome(build: () => string): string {
  try {
    return build()
  } catch (error) {
    return isOTPError(error) ? `error ${error.code}` : `unexpected ${String(error)}`
  }
}

describe('enrollmentURI', () => {
  it('equals createKeyURI for any issuer, account and TOTP parameters', () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.constantFrom('SHA1', 'SHA256', 'SHA512'),
        fc.integer({ min: 6, max: 8 }),
        fc.oneof(fc.constant(30), fc.integer({ min: 1, max: 3600 })),
        (issuer, accountName, secret, algorithm, digits, period) => {
          const ours = outcome(() => enrollmentURI(issuer, accountName, secret, algorithm, digits, period))
          const theirs = outcome(() =>
            createKeyURI({ type: 'totp', issuer, accountName, secret, algorithm, digits, period }),
          )
          expect(ours).toBe(theirs)
          expect(ours.startsWith('unexpected')).toBe(false)
        },
      ),
      { numRuns: NUM_RUNS },
    )
  })
})
