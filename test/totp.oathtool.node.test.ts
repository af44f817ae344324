// Differential test against Debian's oathtool (oath-toolkit, C): an implementation that shares no code with ours.
// Skipped with a loud reason where it is not installed; in CI (.ci/run installs it) a missing oathtool fails.
import { execFileSync } from 'node:child_process'
import fc from 'fast-check'
import { type Algorithm, generateHOTP, generateTOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { hex, numRuns } from './support/env'
import { canRun, missingPrograms } from './support/tools'

const oathtool = canRun(
  'differential/oathtool',
  missingPrograms(['oathtool']).length === 0 ? null : 'oathtool is not installed (apt-get install oathtool)',
)
  ? 'oathtool'
  : null

const runs = { numRuns: Math.max(30, Math.floor(numRuns / 4)) }
const run = (args: string[]) => execFileSync(oathtool as string, args, { encoding: 'utf8' }).trim()

describe.skipIf(oathtool === null)('differential: oathtool', () => {
  it('HOTP (SHA-1) matches on random secrets and counters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 10, maxLength: 64 }),
        fc.integer({ min: 0, max: 2 ** 53 - 1 }),
        fc.constantFrom(6, 7, 8),
        async (secret, counter, digits) => {
          const theirs = run(['--hotp', '-c', String(counter), '-d', String(digits), hex(secret)])
          expect(await generateHOTP(secret, counter, { digits })).toBe(theirs)
        },
      ),
      runs,
    )
  })

  it('TOTP matches on random secrets, times, periods, T0 and algorithms', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 10, maxLength: 64 }),
        fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
        fc.constantFrom(6, 7, 8),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        async (secret, algorithm, digits, period, t0, offset) => {
          const now = t0 + offset
          const theirs = run([
            `--totp=${algorithm}`,
            '-d',
            String(digits),
            '-s',
            `${period}s`,
            '-S',
            `@${t0}`,
            '-N',
            `@${now}`,
            hex(secret),
          ])
          const ours = await generateTOTP(secret, { algorithm, digits, period, epoch: t0, timestamp: now * 1000 })
          expect(ours).toBe(theirs)
        },
      ),
      runs,
    )
  })
})
