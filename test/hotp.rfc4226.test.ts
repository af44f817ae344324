// RFC 4226 Appendix D: HOTP test values for the secret "12345678901234567890" (ASCII), counters 0 to 9.
import { generateHOTP, importSecret, verifyHOTP } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { ascii, hex } from './support/env'

const SECRET = ascii('12345678901234567890')

// Appendix D, "Truncated" table: count, HMAC-SHA-1(secret, count) in hex, the 31-bit truncated value, the HOTP value.
const TABLE: [number, string, number, string][] = [
  [0, 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0', 1284755224, '755224'],
  [1, '75a48a19d4cbe100644e8ac1397eea747a2d33ab', 1094287082, '287082'],
  [2, '0bacb7fa082fef30782211938bc1c5e70416ff44', 137359152, '359152'],
  [3, '66c28227d03a2d5529262ff016a1e6ef76557ece', 1726969429, '969429'],
  [4, 'a904c900a64b35909874b33e61c5938a8e15ed1c', 1640338314, '338314'],
  [5, 'a37e783d7b7233c083d4f62926c7a25f238d0316', 868254676, '254676'],
  [6, 'bc9cd28561042c83f219324d3c607256c03272ae', 1918287922, '287922'],
  [7, 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', 82162583, '162583'],
  [8, '1b3c89f65e6c9e883012052823443f048b4332db', 673399871, '399871'],
  [9, '1637409809a679dc698207310c8c7fc07290d9e5', 645520489, '520489'],
]

describe('RFC 4226 Appendix D', () => {
  it.each(TABLE)('intermediate HMAC-SHA-1 for count %i', async (count, mac) => {
    // The table's HMAC column, checked with the platform's HMAC so the truncation below starts from known bytes.
    const key = await crypto.subtle.importKey('raw', SECRET.slice(), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
    const message = new Uint8Array(8)
    message[7] = count
    expect(hex(new Uint8Array(await crypto.subtle.sign('HMAC', key, message)))).toBe(mac)
  })

  it.each(TABLE)('count %i gives the truncated value and the 6-digit HOTP', async (count, _mac, truncated, code) => {
    expect(await generateHOTP(SECRET, count)).toBe(code)
    expect(await generateHOTP(SECRET, BigInt(count))).toBe(code)
    // With 10 digits the modulus exceeds 2^31, so the code is the whole 31-bit truncated value (RFC 4226 §5.3).
    expect(await generateHOTP(SECRET, count, { digits: 10 })).toBe(String(truncated).padStart(10, '0'))
    expect(await verifyHOTP(SECRET, code, count)).toEqual({ valid: true, counter: BigInt(count), delta: 0 })
  })

  it('gives the same codes through a prepared key', async () => {
    const key = await importSecret(SECRET)
    for (const [count, , , code] of TABLE) expect(await generateHOTP(key, count)).toBe(code)
  })
})
