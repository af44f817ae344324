// parseKeyURI on hostile input: parameter names that are Object.prototype's, impossible base32 lengths and wrong
// padding in the secret, and image URLs that must come back normalised (issue 14, items 2 and 8).
import { isOTPError, parseKeyURI } from 'mfa-core'
import { describe, expect, it } from 'vitest'

const BASE = 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP'

function uriError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(isOTPError(error, 'ERR_URI_INVALID')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected ERR_URI_INVALID')
}

describe('parseKeyURI: extra keeps every unknown parameter, whatever its name', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__']

  it.each(names)('keeps a parameter named %s as an own string property', (name) => {
    const p = parseKeyURI(`${BASE}&${encodeURIComponent(name)}=v%20${name}`)
    expect(Object.keys(p.extra)).toEqual([name])
    expect(Object.hasOwn(p.extra, name)).toBe(true)
    expect(p.extra[name]).toBe(`v ${name}`)
  })

  it('extra has no prototype: names nobody sent read as undefined, and nothing leaks into Object.prototype', () => {
    const p = parseKeyURI(`${BASE}&__proto__=polluted&color=red`)
    expect(Object.getPrototypeOf(p.extra)).toBeNull()
    expect(p.extra.toString).toBeUndefined()
    expect(p.extra.constructor).toBeUndefined()
    expect(p.extra).toEqual({ ['__proto__']: 'polluted', color: 'red' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('a percent-encoded __proto__ name is kept too, and JSON keeps it', () => {
    const p = parseKeyURI(`${BASE}&%5F%5Fproto%5F%5F=a&b=c`)
    expect(Object.keys(p.extra)).toEqual(['__proto__', 'b'])
    expect(JSON.stringify(p.extra)).toBe('{"__proto__":"a","b":"c"}')
  })

  it('a duplicated __proto__ is refused like any duplicated parameter', () => {
    expect(uriError(() => parseKeyURI(`${BASE}&__proto__=a&__proto__=b`))).toMatch(/twice/)
  })
})
