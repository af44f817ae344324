// The trusted-device token's codec: mint (a fresh id or the device's own on rotation), read (never a throw), and a
// digest bound to the store key.
import { describe, expect, it } from 'vitest'
import { mintDeviceToken, readDeviceToken } from '../../src/mfa/device-token'
import { HOSTILE } from '../support/hostile'

const KEY = 'mfa:alice'

describe('device tokens', () => {
  it('are <device id>.<256 random bits>, distinct each time, and name their device (an id with no digit)', async () => {
    const a = await mintDeviceToken(KEY)
    const b = await mintDeviceToken(KEY)
    expect(a.token).toMatch(/^[a-hjkmnp-s]{16}\.[\w-]{43}$/)
    expect(a.token.startsWith(`${a.id}.`)).toBe(true)
    expect(a.token).not.toBe(b.token)
    expect(a.id).not.toBe(b.id)
    expect(await readDeviceToken(KEY, a.token)).toEqual({ id: a.id, digest: a.digest })
  })

  it('store only a digest, bound to the store key', async () => {
    const a = await mintDeviceToken(KEY)
    expect(a.digest).toMatch(/^[0-9a-f]{32}$/)
    expect(a.digest).not.toContain(a.token.slice(17, 40))
    expect((await readDeviceToken('mfa:bob', a.token))?.digest).not.toBe(a.digest)
    expect((await readDeviceToken('app:alice', a.token))?.digest).not.toBe(a.digest)
  })

  it('rotation keeps the device id and changes the secret', async () => {
    const a = await mintDeviceToken(KEY)
    const b = await mintDeviceToken(KEY, a.id)
    expect(b.id).toBe(a.id)
    expect(b.token).not.toBe(a.token)
    expect(b.digest).not.toBe(a.digest)
  })

  it.each<[string, unknown]>([
    ['a number', 1],
    ['null', null],
    ['empty', ''],
    ['no dot', 'a'.repeat(60)],
    ['a short secret', `${'a'.repeat(16)}.${'b'.repeat(42)}`],
    ['a long secret', `${'a'.repeat(16)}.${'b'.repeat(44)}`],
    ['an id with a digit', `${'a'.repeat(15)}1.${'b'.repeat(43)}`],
    ['an upper-case id', `${'A'.repeat(16)}.${'b'.repeat(43)}`],
    ['non-canonical base64url', `${'a'.repeat(16)}.${'b'.repeat(42)}B`],
    ['standard base64', `${'a'.repeat(16)}.${'+'.repeat(43)}`],
    ['trailing newline', `${'a'.repeat(16)}.${'b'.repeat(43)}\n`],
    ['huge', 'a'.repeat(100_000)],
  ])('read refuses %s as malformed without throwing', async (_, input) => {
    expect(await readDeviceToken(KEY, input)).toBeNull()
  })
})

describe('hostile inputs', () => {
  it.each(HOSTILE.map((v) => [v]))('readDeviceToken(%s) is malformed, never a throw', async (value) => {
    expect(await readDeviceToken(KEY, value)).toBeNull()
  })
})
