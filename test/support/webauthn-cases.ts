// Node only: the table of WebAuthn responses every verifier suite runs: a valid registration and assertion for each
// algorithm, and tampered variants of each part (flags, client data members, RP ID hash, counter, signature bytes,
// DER edge cases, CBOR that breaks the subset, keys of the wrong type). `expected` is mfa-core's verdict; the
// differential suite runs the same table through @simplewebauthn/server and python3-fido2.
import {
  ALG_NAMES,
  ALGS,
  type Alg,
  authentication,
  authenticatorData,
  type CBORIn,
  CHALLENGE,
  concat,
  credential,
  derInteger,
  derParts,
  derSequence,
  derUnsigned,
  encodeCBOR,
  FLAGS,
  fromBig,
  generateKey,
  ORIGIN,
  P256_N,
  type Parts,
  RP_ID,
  registration,
  type SoftKey,
  sha256,
  stored,
  toBig,
} from './webauthn'

export interface Case {
  name: string
  ceremony: 'registration' | 'authentication'
  alg: Alg
  response: unknown
  expectedChallenge: string
  expectedOrigin: string
  expectedRPID: string
  requireUserVerification: boolean
  /** authentication: the stored credential */
  credential?: { id: string; publicKey: Uint8Array; signCount: number; backupEligible?: boolean }
  /** mfa-core's verdict: 'ok' or the reason */
  expected: string
  /** authentication: the expected counterRegressed when ok */
  counterRegressed?: boolean
}

const text = (s: string) => new TextEncoder().encode(s)
const json = (value: unknown) => text(JSON.stringify(value))
const clientData = (type: string, extra: Record<string, unknown> = {}) => ({
  type,
  challenge: CHALLENGE,
  origin: ORIGIN,
  crossOrigin: false,
  ...extra,
})
const flip = (index: number) => (sig: Uint8Array) => {
  const out = sig.slice()
  out[index < 0 ? out.length + index : index] ^= 0x01
  return out
}

/** Rewrites an ES256 DER signature through a function of (r, s) as minimal unsigned byte strings. */
const der = (rewrite: (r: Uint8Array, s: Uint8Array, sig: Uint8Array) => Uint8Array) => (sig: Uint8Array) => {
  const [r, s] = derParts(sig)
  return rewrite(r, s, sig)
}

/** Variants shared by both ceremonies: [name, overrides of the parts, expected, requireUserVerification?]. */
type Variant = [string, (alg: Alg, type: string, base: Parts) => Partial<Parts>, string, boolean?]

const COMMON: Variant[] = [
  ['valid', () => ({}), 'ok'],
  ['valid, user verification required and given', () => ({}), 'ok', true],
  ['clientData: type of the other ceremony', (_a, t) => ({ clientData: { type: swap(t) } }), 'type_mismatch'],
  [
    'clientData: type missing',
    (_a, t) => ({ clientDataJSON: json({ ...clientData(t), type: undefined }) }),
    'malformed',
  ],
  [
    'clientData: another challenge',
    () => ({ clientData: { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }),
    'challenge_mismatch',
  ],
  [
    'clientData: challenge with base64 padding',
    () => ({ clientData: { challenge: `${CHALLENGE}=` } }),
    'challenge_mismatch',
  ],
  [
    'clientData: challenge missing',
    (_a, t) => ({ clientDataJSON: json({ ...clientData(t), challenge: undefined }) }),
    'malformed',
  ],
  ['clientData: challenge a number', () => ({ clientData: { challenge: 12 } }), 'malformed'],
  ['clientData: another origin', () => ({ clientData: { origin: 'https://evil.example' } }), 'origin_mismatch'],
  ['clientData: origin with a trailing slash', () => ({ clientData: { origin: `${ORIGIN}/` } }), 'origin_mismatch'],
  ['clientData: origin in upper case', () => ({ clientData: { origin: ORIGIN.toUpperCase() } }), 'origin_mismatch'],
  ['clientData: origin over http', () => ({ clientData: { origin: 'http://example.com' } }), 'origin_mismatch'],
  [
    'clientData: origin of a subdomain',
    () => ({ clientData: { origin: 'https://login.example.com' } }),
    'origin_mismatch',
  ],
  [
    'clientData: origin missing',
    (_a, t) => ({ clientDataJSON: json({ ...clientData(t), origin: undefined }) }),
    'malformed',
  ],
  ['clientData: crossOrigin true', () => ({ clientData: { crossOrigin: true } }), 'cross_origin'],
  ['clientData: crossOrigin the string "false"', () => ({ clientData: { crossOrigin: 'false' } }), 'malformed'],
  [
    'clientData: crossOrigin absent',
    (_a, t) => ({ clientDataJSON: json({ ...clientData(t), crossOrigin: undefined }) }),
    'ok',
  ],
  [
    'clientData: unknown members are ignored',
    () => ({ clientData: { other_keys_can_be_added_here: 'x', tokenBinding: { status: 'supported' } } }),
    'ok',
  ],
  [
    'clientData: a UTF-8 BOM before the JSON',
    (_a, t) => ({ clientDataJSON: concat(Uint8Array.of(0xef, 0xbb, 0xbf), json(clientData(t))) }),
    'ok',
  ],
  [
    'clientData: invalid UTF-8',
    (_a, t) => ({ clientDataJSON: concat(json(clientData(t)).subarray(0, -1), Uint8Array.of(0xff, 0x7d)) }),
    'malformed',
  ],
  ['clientData: not JSON', () => ({ clientDataJSON: text('{"type":') }), 'malformed'],
  ['clientData: a JSON array', (_a, t) => ({ clientDataJSON: json([clientData(t)]) }), 'malformed'],
  ['rpIdHash of another RP ID', () => ({ rpIdHash: sha256('evil.example') }), 'rp_id_mismatch'],
  ['rpIdHash of a parent domain', () => ({ rpIdHash: sha256('com') }), 'rp_id_mismatch'],
  ['flags: UP clear', () => ({ flags: FLAGS.UV }), 'user_not_present'],
  ['flags: UV clear, verification not required', () => ({ flags: FLAGS.UP }), 'ok'],
  ['flags: UV clear, verification required', () => ({ flags: FLAGS.UP }), 'user_not_verified', true],
  ['flags: BE set', () => ({ flags: FLAGS.UP | FLAGS.UV | FLAGS.BE }), 'ok'],
  ['flags: BE and BS set', () => ({ flags: FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS }), 'ok'],
  ['flags: BS without BE', () => ({ flags: FLAGS.UP | FLAGS.UV | FLAGS.BS }), 'backup_state_invalid'],
  ['flags: reserved bit 1 set', () => ({ flags: FLAGS.UP | FLAGS.UV | FLAGS.RFU1 }), 'ok'],
  ['flags: reserved bit 5 set', () => ({ flags: FLAGS.UP | FLAGS.UV | FLAGS.RFU2 }), 'ok'],
  ['flags: ED set without extensions', () => ({ flags: FLAGS.UP | FLAGS.ED }), 'malformed'],
  ['extensions without ED', () => ({ extensions: encodeCBOR(new Map([['credProtect', 1]])) }), 'malformed'],
  [
    'flags: ED with an extension map',
    () => ({ flags: FLAGS.UP | FLAGS.ED, extensions: encodeCBOR(new Map([['credProtect', 1]])) }),
    'ok',
  ],
  [
    'flags: ED with extensions that are not a map',
    () => ({ flags: FLAGS.UP | FLAGS.ED, extensions: encodeCBOR(7) }),
    'malformed',
  ],
  [
    'flags: ED with an extension map and a byte after it',
    () => ({
      flags: FLAGS.UP | FLAGS.ED,
      extensions: concat(encodeCBOR(new Map([['credProtect', 1]])), Uint8Array.of(0)),
    }),
    'malformed',
  ],
  ['envelope: type is not public-key', () => ({ type: 'password' }), 'malformed'],
  ['envelope: id is not base64url', () => ({ id: 'not base64url!' }), 'malformed'],
  ['envelope: id in padded base64url', (_a) => ({ id: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), 'malformed'],
]

const REGISTRATION: Variant[] = [
  ['packed self-attestation', () => ({ fmt: 'packed' }), 'ok'],
  [
    'packed self-attestation, signature byte flipped',
    () => ({ fmt: 'packed', tamperSignature: flip(-1) }),
    'bad_signature',
  ],
  [
    'packed self-attestation, alg of another algorithm',
    (a) => ({
      fmt: 'packed',
      attStmt: new Map<string, CBORIn>([
        ['alg', a === -7 ? -8 : -7],
        ['sig', new Uint8Array(64)],
      ]),
    }),
    'malformed',
  ],
  [
    'packed with an x5c certificate chain',
    (a) => ({
      fmt: 'packed',
      attStmt: new Map<string, CBORIn>([
        ['alg', a],
        ['sig', new Uint8Array(64)],
        ['x5c', [new Uint8Array(100)]],
      ]),
    }),
    'unsupported_attestation',
  ],
  [
    'fmt fido-u2f',
    () => ({
      fmt: 'fido-u2f',
      attStmt: new Map<string, CBORIn>([
        ['sig', new Uint8Array(64)],
        ['x5c', [new Uint8Array(100)]],
      ]),
    }),
    'unsupported_attestation',
  ],
  [
    'fmt none with a non-empty statement',
    () => ({ attStmt: new Map<string, CBORIn>([['sig', new Uint8Array(64)]]) }),
    'malformed',
  ],
  [
    'authData credential id differs from the response id',
    () => ({ id: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    'credential_mismatch',
  ],
  ['credential id of 1023 bytes', () => ({ credentialId: new Uint8Array(1023).fill(7) }), 'ok'],
  ['credential id of 1024 bytes', () => ({ credentialId: new Uint8Array(1024).fill(7) }), 'malformed'],
  [
    'authData with a byte after the key',
    (_a, t, b) => ({ authData: concat(build(b, t), Uint8Array.of(0)) }),
    'malformed',
  ],
  ['authData cut inside the key', (_a, t, b) => ({ authData: build(b, t).subarray(0, -3) }), 'malformed'],
  [
    'authData without AT',
    (a) => ({ authData: concat(sha256(RP_ID), Uint8Array.of(FLAGS.UP | FLAGS.UV, 0, 0, 0, 0)), alg: a }),
    'malformed',
  ],
  [
    'attestationObject: duplicate key fmt',
    (_a, t, b) => ({ attestationObject: attestationWith(b, t, (e) => [e[0] as Entry, ...e]) }),
    'malformed',
  ],
  [
    'attestationObject: an extra member',
    (_a, t, b) => ({ attestationObject: attestationWith(b, t, (e) => [...e, ['x', 1]]) }),
    'malformed',
  ],
  [
    'attestationObject: indefinite-length map',
    (_a, t, b) => ({ attestationObject: indefinite(attestationWith(b, t, (e) => e)) }),
    'malformed',
  ],
  [
    'attestationObject: a byte after it',
    (_a, t, b) => ({
      attestationObject: concat(
        attestationWith(b, t, (e) => e),
        Uint8Array.of(0),
      ),
    }),
    'malformed',
  ],
  ['attestationObject: a tag around authData', (_a, t, b) => ({ attestationObject: tagged(b, t) }), 'malformed'],
  [
    'COSE: kty in a non-canonical integer',
    (a) => ({
      cose: concat(
        Uint8Array.of(0xa0 | keyOf(a).coseMap.size, 0x01, 0x18, keyOf(a).coseMap.get(1) as number),
        encodeCBOR(mapWithout(keyOf(a).coseMap, 1)).subarray(1),
      ),
    }),
    'malformed',
  ],
  [
    'COSE: duplicate label',
    (a) => ({
      cose: concat(
        Uint8Array.of(0xa0 | (keyOf(a).coseMap.size + 1)),
        encodeCBOR(keyOf(a).coseMap).subarray(1),
        encodeCBOR(3).subarray(0),
        encodeCBOR(a),
      ),
    }),
    'malformed',
  ],
  [
    'COSE: a private key parameter (d)',
    (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [-4, new Uint8Array(32)]])) }),
    'malformed',
  ],
  [
    'COSE: unknown algorithm ES384 (-35)',
    () => ({
      cose: encodeCBOR(
        new Map<number, CBORIn>([
          [1, 2],
          [3, -35],
          [-1, 2],
          [-2, new Uint8Array(48)],
          [-3, new Uint8Array(48)],
        ]),
      ),
    }),
    'unsupported_algorithm',
  ],
  [
    'COSE: wrong key type for the algorithm',
    (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [1, a === -7 ? 1 : 2]])) }),
    'malformed',
  ],
  ['COSE: alg missing', (a) => ({ cose: encodeCBOR(mapWithout(keyOf(a).coseMap, 3)) }), 'malformed'],
]

const ALG_SPECIFIC: Record<Alg, Variant[]> = {
  [-8]: [
    // older Firefox releases wrote EdDSA keys with a map header of three entries and four entries after it
    [
      "COSE: Firefox's old EdDSA key (header says three entries, four follow)",
      (a) => ({ cose: concat(Uint8Array.of(0xa3), keyOf(a).cose.subarray(1)) }),
      'malformed',
    ],
    [
      'COSE: EdDSA on Ed448 (crv 7)',
      (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [-1, 7]])) }),
      'malformed',
    ],
    [
      'COSE: EdDSA x of 31 bytes',
      (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [-2, new Uint8Array(31)]])) }),
      'malformed',
    ],
  ],
  [-7]: [
    [
      'COSE: ES256 on P-384 (crv 2)',
      (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [-1, 2]])) }),
      'malformed',
    ],
    [
      'COSE: ES256 point not on the curve',
      (a) => ({ cose: encodeCBOR(new Map([...keyOf(a).coseMap, [-3, new Uint8Array(32).fill(1)]])) }),
      'malformed',
    ],
    [
      'COSE: ES256 without y (compressed)',
      (a) => ({ cose: encodeCBOR(mapWithout(keyOf(a).coseMap, -3)) }),
      'malformed',
    ],
  ],
  [-257]: [
    ['COSE: RS256 with a 1024-bit modulus', () => ({ cose: generateKey(-257, 1024).cose }), 'malformed'],
    [
      'COSE: RS256 modulus with a leading zero byte',
      (a) => ({
        cose: encodeCBOR(
          new Map([...keyOf(a).coseMap, [-1, concat(Uint8Array.of(0), keyOf(a).coseMap.get(-1) as Uint8Array)]]),
        ),
      }),
      'malformed',
    ],
  ],
}

const SIGNATURE: Variant[] = [
  ['signature: last byte flipped', () => ({ tamperSignature: flip(-1) }), 'bad_signature'],
  ['signature: first byte flipped', () => ({ tamperSignature: flip(0) }), 'bad_signature'],
  ['signature: empty', () => ({ tamperSignature: () => new Uint8Array(0) }), 'bad_signature'],
  ['signature: one byte cut', () => ({ tamperSignature: (s) => s.subarray(0, -1) }), 'bad_signature'],
  ['signature: a byte appended', () => ({ tamperSignature: (s) => concat(s, Uint8Array.of(0)) }), 'bad_signature'],
]

const DER: Variant[] = [
  [
    'DER: high S (n - s) is valid',
    () => ({
      tamperSignature: der((r, s) =>
        derSequence(derInteger(derUnsigned(r)), derInteger(derUnsigned(fromBig(P256_N - toBig(s))))),
      ),
    }),
    'ok',
  ],
  [
    'DER: r with an extra leading zero',
    () => ({
      // a full 32-byte r: a shorter one (1 signature in 256) with a zero added is its 32-byte raw form, which a
      // verifier that pads or cuts to 32 bytes reads as the right value (the verdicts then differ by chance)
      signUntil: (sig) => derParts(sig)[0].length === 32,
      tamperSignature: der((r, s) =>
        derSequence(derInteger(concat(Uint8Array.of(0), derUnsigned(r))), derInteger(derUnsigned(s))),
      ),
    }),
    'bad_signature',
  ],
  [
    // r's top bit is set, so DER needs a zero byte before it; without one it is a negative integer
    'DER: r without its leading zero (a negative integer)',
    () => ({
      signUntil: (sig) => (derParts(sig)[0][0] as number) >= 0x80,
      tamperSignature: der((r, s) => derSequence(derInteger(r), derInteger(derUnsigned(s)))),
    }),
    'bad_signature',
  ],
  [
    'DER: long-form sequence length',
    () => ({
      tamperSignature: der((_r, _s, sig) => concat(Uint8Array.of(0x30, 0x81, sig[1] as number), sig.subarray(2))),
    }),
    'bad_signature',
  ],
  [
    'DER: long-form integer length',
    () => ({
      tamperSignature: der((r, s) => {
        const body = concat(
          Uint8Array.of(0x02, 0x81, derUnsigned(r).length),
          derUnsigned(r),
          derInteger(derUnsigned(s)),
        )
        return concat(Uint8Array.of(0x30, body.length), body)
      }),
    }),
    'bad_signature',
  ],
  [
    'DER: a byte after the sequence',
    () => ({ tamperSignature: (sig) => concat(sig, Uint8Array.of(0)) }),
    'bad_signature',
  ],
  [
    'DER: raw r || s instead of DER',
    () => ({ tamperSignature: der((r, s) => concat(pad32(r), pad32(s))) }),
    'bad_signature',
  ],
  [
    'DER: r zero',
    () => ({ tamperSignature: der((_r, s) => derSequence(derInteger(Uint8Array.of(0)), derInteger(derUnsigned(s)))) }),
    'bad_signature',
  ],
]

const AUTHENTICATION: Variant[] = [
  ['authData with AT and a credential', (_a, _t, b) => ({ authData: build(b, 'webauthn.create') }), 'malformed'],
  ['authData with a byte after it', (_a, t, b) => ({ authData: concat(build(b, t), Uint8Array.of(0)) }), 'malformed'],
  ['authData of 36 bytes', (_a, t, b) => ({ authData: build(b, t).subarray(0, 36) }), 'malformed'],
  [
    'response id of another credential',
    () => ({ id: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    'credential_mismatch',
  ],
  ...SIGNATURE,
]

type Entry = [string, CBORIn]
const swap = (type: string) => (type === 'webauthn.create' ? 'webauthn.get' : 'webauthn.create')
const pad32 = (x: Uint8Array) => concat(new Uint8Array(32 - x.length), x)
const mapWithout = (map: Map<number, CBORIn>, label: number) => new Map([...map].filter(([k]) => k !== label))

// one key per algorithm for the whole table (RSA key generation is slow), each variant its own credential id
const KEYS = new Map<Alg, SoftKey>()
function keyOf(alg: Alg): SoftKey {
  let key = KEYS.get(alg)
  if (key === undefined) {
    key = generateKey(alg)
    KEYS.set(alg, key)
  }
  return key
}

/** The valid authenticator data of the base parts (the attested credential data for a registration). */
function build(parts: Parts, type: string): Uint8Array {
  return authenticatorData(parts, type === 'webauthn.create')
}

function attestationWith(parts: Parts, type: string, edit: (entries: Entry[]) => Entry[]) {
  const entries: Entry[] = [
    ['fmt', 'none'],
    ['attStmt', new Map()],
    ['authData', build(parts, type)],
  ]
  const edited = edit(entries)
  return concat(Uint8Array.of(0xa0 | edited.length), ...edited.flatMap(([k, v]) => [encodeCBOR(k), encodeCBOR(v)]))
}

function indefinite(definiteMap: Uint8Array) {
  // 0xbf starts a map of indefinite length, 0xff ends it (RFC 8949 §3.2.2)
  return concat(Uint8Array.of(0xbf), definiteMap.subarray(1), Uint8Array.of(0xff))
}

function tagged(parts: Parts, type: string) {
  const authData = encodeCBOR(build(parts, type))
  // tag 24 (encoded CBOR data item) around the byte string
  return concat(
    Uint8Array.of(0xa3),
    encodeCBOR('fmt'),
    encodeCBOR('none'),
    encodeCBOR('attStmt'),
    Uint8Array.of(0xa0),
    encodeCBOR('authData'),
    Uint8Array.of(0xd8, 24),
    authData,
  )
}

function toCase(alg: Alg, ceremony: Case['ceremony'], [name, overrides, expected, requireUV]: Variant): Case {
  const type = ceremony === 'registration' ? 'webauthn.create' : 'webauthn.get'
  const fresh = credential(alg, { key: keyOf(alg) })
  const parts = { ...fresh, ...overrides(alg, type, fresh) }
  const base = {
    name: `${ALG_NAMES[alg]} ${ceremony}: ${name}`,
    ceremony,
    alg,
    expectedChallenge: CHALLENGE,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: requireUV === true,
    expected,
  }
  if (ceremony === 'registration') return { ...base, response: registration(parts) }
  return { ...base, response: authentication(parts), credential: stored(parts) }
}

/** Authentication cases about the counter and the stored backup state. */
function counterCases(alg: Alg): Case[] {
  const rows: [string, number, number, boolean, boolean | undefined, number, string][] = [
    // name, stored count, new count, counterRegressed, stored BE, flags, expected
    ['counter: both zero (an authenticator without a counter)', 0, 0, false, undefined, FLAGS.UP, 'ok'],
    ['counter: grows', 41, 42, false, undefined, FLAGS.UP, 'ok'],
    ['counter: equal and non-zero', 42, 42, true, undefined, FLAGS.UP, 'ok'],
    ['counter: goes back', 42, 7, true, undefined, FLAGS.UP, 'ok'],
    ['counter: back to zero', 42, 0, true, undefined, FLAGS.UP, 'ok'],
    ['counter: at 2^32 - 1', 1, 0xffffffff, false, undefined, FLAGS.UP, 'ok'],
    ['backup: BE as stored', 0, 0, false, true, FLAGS.UP | FLAGS.BE, 'ok'],
    ['backup: BE set, stored without', 0, 0, false, false, FLAGS.UP | FLAGS.BE, 'backup_state_invalid'],
    ['backup: BE clear, stored with', 0, 0, false, true, FLAGS.UP, 'backup_state_invalid'],
  ]
  return rows.map(([name, before, after, regressed, backupEligible, flags, expected]) => {
    const parts = credential(alg, { key: keyOf(alg), signCount: after, flags })
    return {
      name: `${ALG_NAMES[alg]} authentication: ${name}`,
      ceremony: 'authentication' as const,
      alg,
      response: authentication(parts),
      expectedChallenge: CHALLENGE,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: false,
      credential: { ...stored(parts, before), ...(backupEligible === undefined ? {} : { backupEligible }) },
      expected,
      counterRegressed: regressed,
    }
  })
}

/** The whole table: every variant for every algorithm and ceremony. */
export function webauthnCases(): Case[] {
  const cases: Case[] = []
  for (const alg of ALGS) {
    const extra = alg === -7 ? DER : []
    for (const v of [...COMMON, ...REGISTRATION, ...ALG_SPECIFIC[alg]]) cases.push(toCase(alg, 'registration', v))
    // the registration's signature variants need the packed format (none signs nothing)
    for (const [name, overrides, expected] of [...SIGNATURE, ...extra]) {
      cases.push(
        toCase(alg, 'registration', [
          `packed, ${name}`,
          (a, t, b) => ({ fmt: 'packed', ...overrides(a, t, b) }),
          expected,
        ]),
      )
    }
    for (const v of [...COMMON, ...AUTHENTICATION, ...extra]) cases.push(toCase(alg, 'authentication', v))
    cases.push(...counterCases(alg))
  }
  return cases
}
