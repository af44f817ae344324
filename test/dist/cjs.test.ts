// The CommonJS build: `require('mfa-core')` must work on Node 20 and give the same codes as the ESM build.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)

describe('CommonJS build (dist/index.cjs)', () => {
  it('loads with require and computes RFC 6238 Appendix B codes', async () => {
    const cjs = require('../../dist/index.cjs') as typeof import('mfa-core')
    const secret = new TextEncoder().encode('12345678901234567890')
    expect(await cjs.generateTOTP(secret, { digits: 8, timestamp: 59_000 })).toBe('94287082')
    expect(await cjs.generateHOTP(secret, 0)).toBe('755224')
    expect(cjs.encodeBase32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI')
  })

  it('has no side effects at import and needs no Node built-ins', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const dist = new URL('../../dist/', import.meta.url)
    // the library's files; dist/cli.js is the Node-only bin (process.env.NO_COLOR, stdin), never imported
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.c?js$/.test(f) && f !== 'cli.js',
    )
    expect(files.length).toBeGreaterThan(4)
    for (const file of files) {
      const text = readFileSync(new URL(file, dist), 'utf8')
      expect(text, file).not.toMatch(/require\(["']node:|from ["']node:|\bBuffer\.|\bprocess\.(env|versions|nextTick)/)
    }
  })

  it('recognises an OTPError from the other module format (isOTPError across copies)', async () => {
    const cjs = require('../../dist/index.cjs') as typeof import('mfa-core')
    // A computed URL: dist/ only exists after the build, and the type-check runs before it.
    const esm: typeof import('mfa-core') = await import(new URL('../../dist/index.js', import.meta.url).href)
    let caught: unknown
    try {
      cjs.decodeBase32('1')
    } catch (error) {
      caught = error
    }
    expect(caught instanceof esm.OTPError).toBe(false)
    expect(esm.isOTPError(caught, 'ERR_BASE32_INVALID')).toBe(true)
  })
})
