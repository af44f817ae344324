// mfa-core/qr stays small and independent: its sources import only each other and src/errors.ts (no crypto, no OTP
// core), and touch no runtime-specific global.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('src/qr imports', () => {
  it('imports only src/qr/* and src/errors.ts, and no crypto', () => {
    const files = readdirSync('src/qr').filter((f) => f.endsWith('.ts'))
    expect(files).toContain('index.ts')
    for (const file of files) {
      const source = readFileSync(`src/qr/${file}`, 'utf8')
      for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        expect(spec!.startsWith('./') || spec === '../errors.js', `${file} imports ${spec}`).toBe(true)
      }
      expect(source, file).not.toMatch(/globalThis|crypto|process\.|Buffer/)
    }
  })
})
