// src/internal/otp.ts: the window's check order (likeliest first, fresh and stale steps), the refusal of windows
// past 2^53 - 1, and code normalisation (whitespace ignored anywhere, nothing else).
import { describe, expect, it } from 'vitest'
import { normalizeCode, windowOrder } from '../../src/internal/otp.js'

const SAFE = Number.MAX_SAFE_INTEGER

describe('windowOrder', () => {
  it('checks now, then the nearer neighbours, the earlier first at each distance', () => {
    expect(windowOrder(100, { past: 2, future: 2 }, -1)).toEqual({ fresh: [100, 99, 101, 98, 102], stale: [] })
    expect(windowOrder(100, { past: 3, future: 1 }, -1).fresh).toEqual([100, 99, 101, 98, 97])
    expect(windowOrder(100, { past: 0, future: 2 }, -1).fresh).toEqual([100, 101, 102])
    expect(windowOrder(1, { past: 3, future: 0 }, -1).fresh).toEqual([1, 0])
  })

  it('puts afterStep and earlier steps apart as stale', () => {
    expect(windowOrder(100, { past: 2, future: 1 }, 99)).toEqual({ fresh: [100, 101], stale: [99, 98] })
    expect(windowOrder(100, { past: 1, future: 1 }, 200)).toEqual({ fresh: [], stale: [100, 99, 101] })
  })

  it('refuses a window whose last step would pass 2^53 - 1, and accepts one that ends on it', () => {
    expect(windowOrder(SAFE, { past: 1, future: 0 }, -1).fresh).toEqual([SAFE, SAFE - 1])
    expect(windowOrder(SAFE - 2, { past: 0, future: 2 }, -1).fresh).toEqual([SAFE - 2, SAFE - 1, SAFE])
    expect(() => windowOrder(SAFE, { past: 0, future: 1 }, -1)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    )
    expect(() => windowOrder(SAFE - 9, { past: 10, future: 10 }, -1)).toThrow(/2\^53 - 1 - 10/)
  })
})

describe('normalizeCode', () => {
  it('ignores whitespace around and inside a code: spaces, tabs, newlines, and other Unicode spaces', () => {
    for (const typed of [
      '123456',
      ' 123 456 ',
      '\t123456\n',
      '123\t456',
      '12 34\r\n56',
      '\u00a0123456\u2009',
      '1 2 3 4 5 6',
    ]) {
      expect(normalizeCode(typed, 6), JSON.stringify(typed)).toBe('123456')
    }
  })

  it('anything else non-numeric is malformed (null), as is a wrong length or a non-string', () => {
    for (const typed of ['123-456', '12345a', '١٢٣٤٥٦', '123456.', '+123456', '', '     ', '12345', '1234567']) {
      expect(normalizeCode(typed, 6), JSON.stringify(typed)).toBeNull()
    }
    expect(normalizeCode(123456, 6)).toBeNull()
    expect(normalizeCode(`${' '.repeat(60)}123456`, 6)).toBeNull()
  })
})
