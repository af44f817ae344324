// The runtime conformance suite: one plain ES module, no imports, no node:* and no test framework, so that it runs
// unchanged in Node (ESM and CJS builds), Chromium, Firefox, Deno, Bun, workerd and edge-runtime. Each launcher loads
// the BUILT dist/ in its runtime and hands the modules to `run`; see scripts/test-runtimes.mjs.

const text = (s) => new TextEncoder().encode(s)

// The RFC tables (RFC 4226 Appendix D, RFC 6238 Appendix B, RFC 4648 §10) come from the built mfa-core/testing: the
// one copy of them, handed to `run` with the modules under test.

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512']

// A key URI of 79 bytes: byte mode at level M needs version 5 (ISO/IEC 18004 Table 7: version 4-M holds 62 bytes,
// version 5-M 84). Decoding is checked against jsQR, qrcode and zbar in test/qr/*.node.test.ts; here every runtime must
// draw a well-formed symbol, and scripts/test-runtimes.mjs checks that all runtimes draw the same one (fingerprint).
const QR_TEXT = 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'
const QR_VERSION = 5

/** mulberry32: a tiny seeded PRNG, so the randomized checks are the same in every runtime and reproducible. */
function prng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min, max) => min + Math.floor(next() * (max - min + 1))
  const pick = (list) => list[int(0, list.length - 1)]
  const bytes = (min, max) => {
    const out = new Uint8Array(int(min, max))
    for (let i = 0; i < out.length; i++) out[i] = int(0, 255)
    return out
  }
  return { next, int, pick, bytes }
}

function fail(message) {
  throw new Error(message)
}

function equal(actual, expected, what) {
  if (actual !== expected) fail(`${what}: expected ${String(expected)}, got ${String(actual)}`)
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function fnv1a(string) {
  let h = 0x811c9dc5
  for (let i = 0; i < string.length; i++) h = Math.imul(h ^ string.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}

/**
 * Runs the suite against the built package.
 *
 * @param mfa - the module namespace (or CJS exports) of `mfa-core`
 * @param qr - the module namespace of `mfa-core/qr`
 * @param testing - the module namespace of `mfa-core/testing` (its RFC vectors)
 * @param options.webauthn - `{ module, fixtures }`: the module namespace of `mfa-core/webauthn` and the fixed
 *   responses of test/runtimes/webauthn-fixtures.mjs (without it the WebAuthn checks are not run, with a note)
 * @param options.seed - seed of the randomized checks (default fixed, so a failure reproduces)
 * @param options.iterations - cases per randomized check (default 40)
 * @returns counts and the failures, `{ name, message }` each; never rejects
 */
export async function run(mfa, qr, testing, options = {}) {
  const { rfc4226Vectors, rfc6238Vectors, rfc4648Vectors } = testing
  const SEEDS = Object.fromEntries(rfc6238Vectors.map((v) => [v.algorithm, text(v.secret)]))
  const seed = options.seed ?? 0x6d666163
  const iterations = options.iterations ?? 40
  const failures = []
  const notes = []
  const fingerprints = {}
  let passed = 0
  const check = async (name, body) => {
    try {
      await body()
      passed++
    } catch (error) {
      failures.push({ name, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
    }
  }

  await check('environment: crypto.subtle is available', () => {
    if (typeof globalThis.crypto?.subtle?.importKey !== 'function') fail('globalThis.crypto.subtle is missing')
  })

  // RFC 4226 Appendix D
  await check('RFC vectors: mfa-core/testing holds the 10 + 18 + 7 rows of the three tables', () => {
    equal(`${rfc4226Vectors.length} ${rfc6238Vectors.length} ${rfc4648Vectors.length}`, '10 18 7', 'rows')
  })
  for (const { secret, counter, code } of rfc4226Vectors) {
    await check(`RFC 4226 App. D: HOTP counter ${counter}`, async () => {
      equal(await mfa.generateHOTP(text(secret), counter), code, 'generateHOTP')
    })
  }
  await check('RFC 4226 App. D: verifyHOTP finds counter 7 from 4 with lookAhead 3 (bigint counter)', async () => {
    const result = await mfa.verifyHOTP(text(rfc4226Vectors[7].secret), rfc4226Vectors[7].code, 4n, { lookAhead: 3 })
    if (!result.valid) fail(`expected valid, got ${result.reason}`)
    equal(result.counter, 7n, 'counter')
    equal(result.delta, 3, 'delta')
  })

  // RFC 6238 Appendix B
  for (const { secret, algorithm, time, code, digits } of rfc6238Vectors) {
    await check(`RFC 6238 App. B: TOTP ${algorithm} at T=${time}`, async () => {
      equal(await mfa.generateTOTP(text(secret), { algorithm, digits, timestamp: time * 1000 }), code, 'generateTOTP')
    })
  }
  await check('RFC 6238 App. B: verifyTOTP with prepared SHA512 keys', async () => {
    const key = await mfa.importSecret(SEEDS.SHA512, 'SHA512')
    for (const { time, step, code } of rfc6238Vectors.filter((v) => v.algorithm === 'SHA512')) {
      const result = await mfa.verifyTOTP(key, code, { digits: 8, timestamp: time * 1000 })
      if (!result.valid) fail(`T=${time}: ${result.reason}`)
      equal(result.step, step, 'step')
    }
  })

  // RFC 4648 §10
  for (const { input: plain, encoded } of rfc4648Vectors) {
    await check(`RFC 4648 §10: base32 "${plain}"`, () => {
      equal(mfa.encodeBase32(text(plain), { padding: true }), encoded, 'encodeBase32 padded')
      equal(mfa.encodeBase32(text(plain)), encoded.replace(/=+$/, ''), 'encodeBase32 unpadded')
      if (!sameBytes(mfa.decodeBase32(encoded), text(plain))) fail('decodeBase32 padded')
      if (!sameBytes(mfa.decodeBase32(encoded.replace(/=+$/, '')), text(plain))) fail('decodeBase32 unpadded')
    })
  }

  // Errors and results
  await check('errors: decodeBase32 throws OTPError ERR_BASE32_INVALID; isOTPError recognises it', () => {
    let caught
    try {
      mfa.decodeBase32('MZXW1')
    } catch (error) {
      caught = error
    }
    if (!(caught instanceof mfa.OTPError)) fail('not an OTPError instance')
    if (!mfa.isOTPError(caught, 'ERR_BASE32_INVALID')) fail(`code ${caught?.code}`)
  })
  await check('errors: a typed code is a result, never a throw (malformed, mismatch)', async () => {
    const options = { digits: 8, timestamp: 59_000 }
    equal((await mfa.verifyTOTP(SEEDS.SHA1, '12ab5678', options)).reason, 'malformed', 'letters')
    equal((await mfa.verifyTOTP(SEEDS.SHA1, '', options)).reason, 'malformed', 'empty')
    equal((await mfa.verifyTOTP(SEEDS.SHA1, '94287083', options)).reason, 'mismatch', 'wrong code')
    equal((await mfa.verifyTOTP(SEEDS.SHA1, '9428 7082', options)).valid, true, 'spaces ignored')
  })
  await check('errors: replay guard afterStep refuses the same step', async () => {
    const result = await mfa.verifyTOTP(SEEDS.SHA1, '94287082', { digits: 8, timestamp: 59_000, afterStep: 1 })
    equal(result.reason, 'replayed', 'reason')
  })
  await check('secrets: generateSecret gives 20/32/64 random bytes by algorithm', () => {
    const sizes = ALGORITHMS.map((algorithm) => mfa.generateSecret({ algorithm }).length)
    equal(sizes.join(','), '20,32,64', 'sizes')
    if (sameBytes(mfa.generateSecret(), mfa.generateSecret())) fail('two secrets are equal')
  })

  // Property-style checks on a seeded PRNG
  const random = prng(seed)
  const property = (name, body) =>
    check(`property: ${name}`, async () => {
      for (let i = 0; i < iterations; i++) {
        try {
          await body(random)
        } catch (error) {
          fail(`case ${i} (seed ${seed}): ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    })
  await property('base32 round trip, padded and unpadded, loose lower case with spaces', (r) => {
    const bytes = r.bytes(0, 70)
    const padded = mfa.encodeBase32(bytes, { padding: true })
    if (padded.length % 8 !== 0) fail('padded length is not a multiple of 8')
    if (!sameBytes(mfa.decodeBase32(padded), bytes)) fail('padded round trip')
    const plain = mfa.encodeBase32(bytes)
    if (!sameBytes(mfa.decodeBase32(plain), bytes)) fail('unpadded round trip')
    const typed = plain.toLowerCase().replace(/(.{4})/g, '$1 ')
    if (!sameBytes(mfa.decodeBase32(typed, { loose: true }), bytes)) fail('loose round trip')
  })
  let codes = ''
  await property('TOTP at a time equals HOTP of its step', async (r) => {
    const algorithm = r.pick(ALGORITHMS)
    const secret = r.bytes(16, 64)
    const digits = r.int(6, 10)
    const period = r.pick([15, 30, 60, r.int(1, 300)])
    const timestamp = r.int(0, 4_102_444_800) * 1000 + r.int(0, 999)
    const totp = await mfa.generateTOTP(secret, { algorithm, digits, period, timestamp })
    const hotp = await mfa.generateHOTP(secret, Math.floor(timestamp / 1000 / period), { algorithm, digits })
    equal(totp, hotp, `${algorithm} digits=${digits} period=${period}`)
    codes += `${totp},`
    if (!new RegExp(`^\\d{${digits}}$`).test(totp)) fail('not a string of digits')
  })
  fingerprints.codes = fnv1a(codes)
  await property('verifyTOTP accepts a code inside the window with its delta, refuses it outside', async (r) => {
    const secret = r.bytes(20, 20)
    const now = r.int(1_000_000, 4_000_000_000) * 1000
    const window = r.int(0, 3)
    const offset = r.int(-window - 2, window + 2)
    const code = await mfa.generateTOTP(secret, { digits: 8, timestamp: now + offset * 30_000 })
    const result = await mfa.verifyTOTP(secret, code, { digits: 8, timestamp: now, window })
    if (Math.abs(offset) <= window) {
      if (!result.valid) fail(`offset ${offset} window ${window}: ${result.reason}`)
      equal(result.delta, offset, 'delta')
      equal(result.step, Math.floor(now / 30_000) + offset, 'step')
    } else if (result.valid) fail(`offset ${offset} outside window ${window} accepted`)
  })
  await property('a prepared key (importSecret) gives the same codes as raw bytes', async (r) => {
    const algorithm = r.pick(ALGORITHMS)
    const secret = r.bytes(16, 64)
    const key = await mfa.importSecret(secret, algorithm)
    const counter = r.next() < 0.5 ? r.int(0, 2 ** 31) : BigInt(r.int(0, 2 ** 31)) * 2n ** 32n
    equal(
      await mfa.generateHOTP(key, counter),
      await mfa.generateHOTP(secret, counter, { algorithm }),
      `${algorithm} counter ${counter}`,
    )
  })
  await property('any typed text is a result with a reason, never a throw', async (r) => {
    const alphabet = '0123456789 abcXYZ-+.\u00e9\u0663\u200b\n'
    let typed = ''
    for (let i = r.int(0, 12); i > 0; i--) typed += alphabet[r.int(0, alphabet.length - 1)]
    const result = await mfa.verifyTOTP(SEEDS.SHA1, typed, { timestamp: 59_000 })
    if (result.valid) return
    if (result.reason !== 'malformed' && result.reason !== 'mismatch') fail(`reason ${result.reason}`)
  })
  await property('key URI round trip (createKeyURI -> parseKeyURI)', (r) => {
    const chars = [...'abcXYZ019 .&=?#%+/@\u00e9\u4e2d\u{1f511}']
    // parseKeyURI drops spaces after the label's separator (Google's format allows them), so none lead a word
    const word = () => {
      let s = ''
      for (let i = r.int(1, 16); i > 0; i--) s += chars[r.int(0, chars.length - 1)]
      return `w${s}`
    }
    const type = r.pick(['totp', 'hotp'])
    const params = {
      type,
      issuer: word(),
      accountName: word(),
      secret: r.bytes(16, 64),
      algorithm: r.pick(ALGORITHMS),
      digits: r.int(6, 8),
      ...(type === 'totp' ? { period: r.pick([30, 60, r.int(1, 120)]) } : { counter: BigInt(r.int(0, 2 ** 40)) }),
    }
    const uri = mfa.createKeyURI(params)
    if (!uri.startsWith(`otpauth://${type}/`)) fail('scheme')
    const parsed = mfa.parseKeyURI(uri)
    for (const field of ['type', 'issuer', 'accountName', 'algorithm', 'digits', 'period', 'counter']) {
      equal(parsed[field], params[field], field)
    }
    if (!sameBytes(parsed.secret, params.secret)) fail('secret')
  })

  await check('key URI: the Google Authenticator example parses, and formatKeyForManualEntry groups it', () => {
    const parsed = mfa.parseKeyURI('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example')
    equal(parsed.issuer, 'Example', 'issuer')
    equal(parsed.accountName, 'alice@google.com', 'accountName')
    equal(parsed.period, 30, 'period')
    equal(mfa.encodeBase32(parsed.secret), 'JBSWY3DPEHPK3PXP', 'secret')
    equal(mfa.formatKeyForManualEntry(parsed.secret).replace(/\s/g, ''), 'JBSWY3DPEHPK3PXP', 'manual entry')
  })

  // QR
  await check('qr: encodeQR draws a version 5 symbol with finder and timing patterns', () => {
    const matrix = qr.encodeQR(QR_TEXT)
    equal(matrix.version, QR_VERSION, 'version')
    equal(matrix.size, 17 + 4 * QR_VERSION, 'size')
    let rows = ''
    for (let y = 0; y < matrix.size; y++) {
      for (let x = 0; x < matrix.size; x++) rows += matrix.get(x, y) ? '1' : '0'
      rows += '\n'
    }
    // ISO/IEC 18004 §6.3.3: the finder pattern's 7x7 dark ring at each of three corners
    for (const [x, y] of [
      [0, 0],
      [matrix.size - 7, 0],
      [0, matrix.size - 7],
    ]) {
      for (let i = 0; i < 7; i++) {
        if (!matrix.get(x + i, y) || !matrix.get(x, y + i) || !matrix.get(x + 6, y + i) || !matrix.get(x + i, y + 6)) {
          fail(`finder pattern at ${x},${y}`)
        }
      }
    }
    // §6.3.5: timing patterns alternate along row 6 and column 6 between the finders; §6.9: the dark module
    for (let i = 8; i < matrix.size - 8; i++) {
      if (matrix.get(i, 6) !== (i % 2 === 0) || matrix.get(6, i) !== (i % 2 === 0)) fail(`timing pattern at ${i}`)
    }
    if (!matrix.get(8, 4 * QR_VERSION + 9)) fail('dark module')
    fingerprints.qr = fnv1a(rows)
  })
  await check('qr: renderSVG and renderTerminal produce markup and lines', () => {
    const svg = qr.renderSVG(QR_TEXT)
    if (!svg.startsWith('<svg') || !svg.trimEnd().endsWith('</svg>')) fail('svg markup')
    const lines = qr.renderTerminal(QR_TEXT, { ansi: false }).split('\n')
    if (lines.length < 10) fail(`only ${lines.length} terminal lines`)
  })
  await check('qr: too long text throws ERR_QR_TOO_LONG', () => {
    let caught
    try {
      qr.encodeQR('x'.repeat(3000), { ecc: 'H' })
    } catch (error) {
      caught = error
    }
    if (caught?.code !== 'ERR_QR_TOO_LONG') fail(`got ${caught?.code ?? 'no error'}`)
  })

  if (options.webauthn === undefined) notes.push('mfa-core/webauthn not given: WebAuthn fixtures not run')
  else fingerprints.webauthn = await webauthn(mfa, options.webauthn, check)

  // The MFA service, guarded until createMFA is exported everywhere
  if (typeof mfa.createMFA !== 'function' || typeof mfa.memoryStore !== 'function') {
    notes.push('createMFA/memoryStore not exported: enrollment scenario not run')
  } else {
    await enrollment(mfa, check)
    await securityKeys(mfa, check)
  }

  return { passed, failed: failures.length, failures, notes, fingerprints }
}

async function enrollment(mfa, check) {
  let t = Date.UTC(2026, 10, 28, 9, 0, 10)
  const now = () => t
  const service = mfa.createMFA({ store: mfa.memoryStore({ now }), issuer: 'Example Cloud', now })
  let key
  let codes = []
  await check('enrollment: beginEnrollment returns a base32 secret and its key URI', async () => {
    const started = await service.beginEnrollment('u1', { accountName: 'u1@example.com' })
    if (!started.ok) fail(`refused: ${started.reason}`)
    const { secret, uri, expiresAt } = started
    key = mfa.decodeBase32(secret)
    const parsed = mfa.parseKeyURI(uri)
    equal(parsed.issuer, 'Example Cloud', 'issuer')
    if (!sameBytes(parsed.secret, key)) fail('URI secret differs from the manual key')
    if (!(expiresAt > t)) fail('expiresAt')
    equal((await service.status('u1')).state, 'pending', 'status')
  })
  await check('enrollment: two codes in the wrong order are refused as reversed', async () => {
    codes = [await mfa.generateTOTP(key, { timestamp: t }), await mfa.generateTOTP(key, { timestamp: t + 30_000 })]
    t += 30_000
    equal((await service.confirmEnrollment('u1', codes[1], codes[0])).reason, 'reversed', 'reason')
  })
  await check('enrollment: codes of steps s and s+1 confirm, with 10 recovery codes', async () => {
    const result = await service.confirmEnrollment('u1', codes[0], codes[1])
    if (!result.ok) fail(`refused: ${result.reason}`)
    equal(result.recoveryCodes.length, 10, 'recovery codes')
    equal((await service.status('u1')).state, 'active', 'status')
  })
  await check('enrollment: the consumed step is a replay', async () => {
    equal((await service.verify('u1', codes[1])).reason, 'replayed', 'reason')
  })
  await check('enrollment: a later code logs in once, then is a replay', async () => {
    t += 30_000
    const code = await mfa.generateTOTP(key, { timestamp: t })
    const first = await service.verify('u1', code)
    if (!first.ok) fail(`refused: ${first.reason}`)
    equal(first.method, 'totp', 'method')
    equal((await service.verify('u1', code)).reason, 'replayed', 'second use')
  })
}

/**
 * The MFA service with a security key (a WebCrypto software key, ES256): register it as the first authenticator,
 * sign in over a challenge from `challenge`, and the refusals a key can meet (a replay, a cloned counter, a bad
 * signature), each as the service answers them everywhere.
 */
async function securityKeys(mfa, check) {
  const t = Date.UTC(2026, 10, 28, 9, 0, 10)
  const service = mfa.createMFA({ issuer: 'Example Cloud', now: () => t, webauthn: WEBAUTHN_OPTION })
  const key = await createSoftKey()
  let keyId
  await check('security keys: a key registers as the first authenticator, with 10 recovery codes', async () => {
    const begun = await service.beginSecurityKeyRegistration('k1', { label: 'Key' })
    if (!begun.ok) fail(`begin refused: ${begun.reason}`)
    equal(begun.options.rp.id, 'example.com', 'rp id')
    const done = await service.finishSecurityKeyRegistration('k1', await key.register(begun.options))
    if (!done.ok) fail(`finish refused: ${done.reason}`)
    equal(done.recoveryCodes.length, 10, 'recovery codes')
    keyId = done.authenticatorId
    const [listed] = await service.listAuthenticators('k1')
    equal(`${listed.kind} ${listed.transports}`, 'webauthn usb', 'listed')
  })
  await check('security keys: a sign-in over a challenge, once; the same assertion again is replayed', async () => {
    const started = await service.challenge('k1')
    equal(started.methods?.join(','), 'webauthn,recovery', 'methods')
    const assertion = await key.sign(started.options)
    const login = await service.verify('k1', assertion)
    equal(`${login.ok} ${login.method} ${login.authenticatorId === keyId}`, 'true webauthn true', 'login')
    equal((await service.verify('k1', assertion)).reason, 'replayed', 'second use')
  })
  await check('security keys: a counter that did not grow is cloned; a bad signature is invalid', async () => {
    const clone = await key.sign((await service.challenge('k1')).options, { signCount: 1 })
    equal((await service.verify('k1', clone)).reason, 'cloned', 'clone')
    const bad = await key.sign((await service.challenge('k1')).options, { badSignature: true })
    equal((await service.verify('k1', bad)).reason, 'invalid', 'bad signature')
    equal((await service.verify('k1', { id: 'x' })).reason, 'malformed', 'malformed')
  })
}

// ---- a software security key on the platform's WebCrypto, for the service scenario: ES256 (P-256, which every
// runtime has), attestation `none`, a counter of its own; it answers the service's options with a browser's JSON ----
const subtle = () => globalThis.crypto.subtle
const KEY_ORIGIN = 'https://example.com'
const RP_ID = 'example.com'

/** The `webauthn` option of createMFA matching this key's origin and RP ID. */
export const WEBAUTHN_OPTION = { rpId: RP_ID, rpName: 'Example Cloud', origins: [KEY_ORIGIN] }

const b64url = (bytes) => {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
const utf8 = (text) => new TextEncoder().encode(text)
const sha256 = async (bytes) => new Uint8Array(await subtle().digest('SHA-256', bytes))

// CBOR (RFC 8949), just what a COSE key and an attestation object need: small ints, negative ints, bytes, text, maps
const head = (major, n) => (n < 24 ? Uint8Array.of((major << 5) | n) : Uint8Array.of((major << 5) | 24, n))
const cbor = (v) => {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v)
  if (typeof v === 'string') return concat(head(3, utf8(v).length), utf8(v))
  if (v instanceof Uint8Array)
    return v.length < 256 ? concat(head(2, v.length), v) : concat(Uint8Array.of(0x59, v.length >> 8, v.length & 255), v)
  return concat(head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)]))
}

// ECDSA over WebCrypto gives r || s; an authenticator sends the DER form (X9.62)
const derInteger = (x) => {
  let i = 0
  while (i < x.length - 1 && x[i] === 0) i++
  const v = x[i] >= 0x80 ? concat(Uint8Array.of(0), x.subarray(i)) : x.subarray(i)
  return concat(Uint8Array.of(2, v.length), v)
}
const der = (raw) => {
  const body = concat(derInteger(raw.subarray(0, 32)), derInteger(raw.subarray(32)))
  return concat(Uint8Array.of(0x30, body.length), body)
}

/** A new key: `register(options)` and `sign(options, { signCount?, badSignature? })` give the browser's JSON. */
export async function createSoftKey() {
  const pair = await subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
  const jwk = await subtle().exportKey('jwk', pair.publicKey)
  const fromB64url = (t) => Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
  const cose = cbor(
    new Map([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, fromB64url(jwk.x)],
      [-3, fromB64url(jwk.y)],
    ]),
  )
  const credentialId = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const id = b64url(credentialId)
  let counter = 0
  const authData = async (flags, signCount, attested) => {
    const count = new Uint8Array(4)
    new DataView(count.buffer).setUint32(0, signCount)
    const parts = [await sha256(utf8(RP_ID)), Uint8Array.of(flags), count]
    if (attested) parts.push(new Uint8Array(16), Uint8Array.of(0, credentialId.length), credentialId, cose)
    return concat(...parts)
  }
  const clientData = (type, challenge) =>
    utf8(JSON.stringify({ type, challenge, origin: KEY_ORIGIN, crossOrigin: false }))
  return {
    id,
    async register(options) {
      counter += 1
      const data = await authData(0x45, counter, true) // UP, UV, AT
      const attestationObject = cbor(
        new Map([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', data],
        ]),
      )
      const response = {
        clientDataJSON: b64url(clientData('webauthn.create', options.challenge)),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      }
      return { id, rawId: id, type: 'public-key', response, clientExtensionResults: {} }
    },
    async sign(options, { signCount, badSignature = false } = {}) {
      if (signCount === undefined) counter += 1
      const data = await authData(0x05, signCount ?? counter, false) // UP, UV
      const client = clientData('webauthn.get', options.challenge)
      const signed = concat(data, await sha256(client))
      const raw = new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, signed))
      if (badSignature) raw[10] ^= 1
      const response = { clientDataJSON: b64url(client), authenticatorData: b64url(data), signature: b64url(der(raw)) }
      return { id, rawId: id, type: 'public-key', response, clientExtensionResults: {} }
    },
  }
}

/** Base64url (RFC 4648 §5) to bytes with the platform's atob, for the fixtures' stored public keys. */
function fromBase64URL(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/**
 * mfa-core/webauthn on fixed responses (made by the software authenticator of test/support/webauthn.ts): each
 * registration and assertion gets its expected verdict, for EdDSA, ES256 and RS256.
 *
 * @returns a fingerprint of every verdict, the same in every runtime
 */
async function webauthn(mfa, { module: wa, fixtures }, check) {
  const expected = {
    expectedChallenge: fixtures.challenge,
    expectedOrigin: fixtures.origin,
    expectedRPID: fixtures.rpId,
  }
  const NAMES = { '-8': 'EdDSA', '-7': 'ES256', '-257': 'RS256' }
  let verdicts = ''
  for (const r of fixtures.registrations) {
    await check(`webauthn: ${NAMES[r.alg]} registration (${r.fmt}) is ${r.expected}`, async () => {
      const result = await wa.verifyRegistration(r.response, expected)
      equal(result.ok ? 'ok' : result.reason, r.expected, 'verdict')
      if (result.ok) equal(result.credential.algorithm, r.alg, 'algorithm')
      verdicts += `${result.ok ? result.credential.publicKey.length : result.reason},`
    })
  }
  for (const a of fixtures.authentications) {
    await check(`webauthn: ${NAMES[a.alg]} assertion is ${a.expected}`, async () => {
      const credential = { ...a.credential, publicKey: fromBase64URL(a.credential.publicKey) }
      const result = await wa.verifyAuthentication(a.response, { ...expected, credential })
      equal(result.ok ? 'ok' : result.reason, a.expected, 'verdict')
      if (result.ok)
        equal(`${result.signCount} ${result.backedUp} ${result.counterRegressed}`, '2 true false', 'result')
      verdicts += `${result.ok ? result.signCount : result.reason},`
    })
  }
  await check('webauthn: options in the JSON form, with a fresh 32-byte challenge', () => {
    const user = { id: new Uint8Array(16), name: 'alice@example.com', displayName: 'Alice' }
    const registration = wa.createRegistrationOptions({ rp: { id: 'example.com', name: 'Example' }, user })
    equal(registration.challenge.length, 43, 'challenge length')
    equal(registration.pubKeyCredParams.map((p) => p.alg).join(','), '-8,-7,-257', 'algorithms')
    equal(registration.attestation, 'none', 'attestation')
    const authentication = wa.createAuthenticationOptions({ rpId: 'example.com' })
    if (authentication.challenge === registration.challenge) fail('two challenges are equal')
  })
  await check('webauthn: a browser response is a result, misuse an OTPError', async () => {
    equal((await wa.verifyRegistration({ id: 5 }, expected)).reason, 'malformed', 'malformed response')
    let caught
    try {
      await wa.verifyRegistration({}, { ...expected, expectedOrigin: [] })
    } catch (error) {
      caught = error
    }
    if (!mfa.isOTPError(caught, 'ERR_INVALID_OPTION')) fail(`expected ERR_INVALID_OPTION, got ${caught}`)
  })
  return fnv1a(verdicts)
}

/**
 * Formats the one line a launcher prints, e.g. `node-esm: 57 passed, 0 failed`.
 *
 * @param name - the runtime's name
 * @param result - what {@link run} returned
 * @returns the line
 */
export function summary(name, result) {
  return `${name}: ${result.passed} passed, ${result.failed} failed`
}

/**
 * Prints a launcher's report: the summary line on stdout, and on stderr the details scripts/test-runtimes.mjs reads
 * (`version: ...`, `fingerprints: {...}`) and the failures for a person.
 *
 * @param name - the runtime's name
 * @param version - the runtime's name and version, e.g. `Deno 2.9.6`
 * @param result - what {@link run} returned
 */
export function report(name, version, result) {
  console.error(`version: ${version}`)
  console.error(`fingerprints: ${JSON.stringify(result.fingerprints)}`)
  for (const note of result.notes) console.error(`note: ${note}`)
  for (const f of result.failures) console.error(`FAIL ${name} / ${f.name}: ${f.message}`)
  console.log(summary(name, result))
}
