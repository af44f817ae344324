// The credential keys a service keeps imported (keyImports in src/mfa/security-key-evidence.ts): the same stored text
// reuses its import, the oldest goes past the limit, and a failed import is not kept. Node only: the keys come from
// the software authenticator of test/support/webauthn.ts.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeBase64URL } from '../../src/internal/base64url'
import { KEY_IMPORTS_KEPT, keyImports } from '../../src/mfa/security-key-evidence'
import { credential } from '../support/webauthn.js'

/** A stored key: its text as the record keeps it, and its bytes. */
const stored = (alg: -7 | -8 | -257 = -7) => {
  const bytes = credential(alg).cose
  return { text: encodeBase64URL(bytes), bytes }
}

afterEach(() => vi.restoreAllMocks())

describe('keyImports', () => {
  it('imports a stored key once and reuses the import for the same text', async () => {
    const imported = keyImports(KEY_IMPORTS_KEPT)
    const spy = vi.spyOn(crypto.subtle, 'importKey')
    for (const alg of [-7, -8, -257] as const) {
      const key = stored(alg)
      const first = imported(key.text, key.bytes)
      expect(imported(key.text, key.bytes)).toBe(first)
      const result = await first
      expect(typeof result === 'object' && result.algorithm).toBe(alg)
    }
    expect(spy).toHaveBeenCalledTimes(3)
  })

  it('keeps at most the limit, dropping the oldest', async () => {
    const imported = keyImports(2)
    const [a, b, c] = [stored(), stored(), stored()]
    const first = imported(a.text, a.bytes)
    const second = imported(b.text, b.bytes)
    const third = imported(c.text, c.bytes) // a goes
    expect(imported(b.text, b.bytes)).toBe(second)
    expect(imported(c.text, c.bytes)).toBe(third)
    const again = imported(a.text, a.bytes) // imported anew; b goes
    expect(again).not.toBe(first)
    expect(imported(c.text, c.bytes)).toBe(third)
    expect(imported(b.text, b.bytes)).not.toBe(second)
    await Promise.all([first, second, third, again])
  })

  it('does not keep an import that gave no key: a key the runtime refused is tried again', async () => {
    const imported = keyImports(KEY_IMPORTS_KEPT)
    const bytes = new Uint8Array([0xa1, 0x01, 0x02]) // a COSE map without its algorithm
    const first = imported('oQEC', bytes)
    expect(await first).toBe('malformed')
    expect(imported('oQEC', bytes)).not.toBe(first)

    const key = stored()
    vi.spyOn(crypto.subtle, 'importKey').mockRejectedValueOnce(new Error('refused this once'))
    const refused = imported(key.text, key.bytes)
    expect(await refused).toBe('malformed')
    const next = imported(key.text, key.bytes)
    expect(next).not.toBe(refused)
    const result = await next
    expect(typeof result === 'object' && result.algorithm).toBe(-7)
    expect(imported(key.text, key.bytes)).toBe(next)
  })
})
