// Differential test against Debian's python3-pyotp: an implementation in another language, fed the same random
// secrets, times and counters in one batch. Skipped with a loud reason where it is not installed; in CI (.ci/run
// installs it) a missing pyotp fails.
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { type Algorithm, encodeBase32, generateHOTP, generateTOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { numRuns } from './support/env'
import { canRun } from './support/tools'

const PYTHON = '/usr/bin/python3' // Debian's interpreter, the one python3-pyotp installs into
const SCRIPT = `
import hashlib, json, sys, pyotp
digests = {'SHA1': hashlib.sha1, 'SHA256': hashlib.sha256, 'SHA512': hashlib.sha512}
out = []
for c in json.load(sys.stdin):
    if c['kind'] == 'totp':
        otp = pyotp.TOTP(c['secret'], digits=c['digits'], digest=digests[c['algorithm']], interval=c['period'])
        out.append(otp.at(c['seconds']))
    else:
        out.append(pyotp.HOTP(c['secret'], digits=c['digits'], digest=digests[c['algorithm']]).at(c['counter']))
print(json.dumps(out))
`

function pyotpAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import pyotp'], { encoding: 'utf8' })
  return probe.status === 0
}

const available = canRun(
  'differential/pyotp',
  pyotpAvailable() ? null : 'python3-pyotp is not installed (apt-get install python3-pyotp)',
)

interface Case {
  kind: 'totp' | 'hotp'
  secret: string
  algorithm: Algorithm
  digits: number
  period: number
  seconds: number
  counter: number
}

const cases = fc.record({
  kind: fc.constantFrom<'totp' | 'hotp'>('totp', 'hotp'),
  bytes: fc.uint8Array({ minLength: 10, maxLength: 64 }),
  algorithm: fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
  digits: fc.constantFrom(6, 7, 8),
  period: fc.integer({ min: 1, max: 300 }),
  seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
  counter: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
})

describe.skipIf(!available)('differential: pyotp', () => {
  it('TOTP and HOTP match on random secrets, algorithms, digits, periods, times and counters', async () => {
    const sample = fc.sample(cases, Math.max(200, numRuns))
    const batch: Case[] = sample.map(({ bytes, ...rest }) => ({ ...rest, secret: encodeBase32(bytes) }))
    const run = spawnSync(PYTHON, ['-c', SCRIPT], {
      input: JSON.stringify(batch),
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    })
    expect(run.status, run.stderr).toBe(0)
    const theirs = JSON.parse(run.stdout) as string[]
    expect(theirs).toHaveLength(sample.length)
    for (const [i, c] of sample.entries()) {
      const options = { algorithm: c.algorithm, digits: c.digits }
      const ours =
        c.kind === 'totp'
          ? await generateTOTP(c.bytes, { ...options, period: c.period, timestamp: c.seconds * 1000 })
          : await generateHOTP(c.bytes, c.counter, options)
      expect(ours, `case ${i}: ${c.kind} ${c.algorithm}`).toBe(theirs[i])
    }
  })
})
