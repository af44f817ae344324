// Node only: a software authenticator for the WebAuthn suites. Keys come from node:crypto (so the signatures are
// made by an implementation other than the WebCrypto path under test); it builds registration and authentication
// responses in the Level 3 JSON form, part by part, so that a test can replace any one part with a tampered one.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'

export type Alg = -8 | -7 | -257
export const ALGS: readonly Alg[] = [-8, -7, -257]
export const ALG_NAMES: Record<Alg, string> = { [-8]: 'EdDSA', [-7]: 'ES256', [-257]: 'RS256' }

export const RP_ID = 'example.com'
export const ORIGIN = 'https://example.com'
/** a fixed challenge (32 bytes), base64url */
export const CHALLENGE = b64url(Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1))

/** The authenticator data flags (WebAuthn Level 3 §6.1). */
export const FLAGS = { UP: 0x01, RFU1: 0x02, UV: 0x04, BE: 0x08, BS: 0x10, RFU2: 0x20, AT: 0x40, ED: 0x80 } as const

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

export function fromB64url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'))
}

export function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

// ---- a CBOR encoder (RFC 8949), test side only: shortest heads, maps in insertion order ----

export type CBORIn = number | string | Uint8Array | boolean | null | CBORIn[] | Map<number | string, CBORIn>

function cborHead(major: number, value: number): Uint8Array {
  if (value < 24) return Uint8Array.of((major << 5) | value)
  if (value < 0x100) return Uint8Array.of((major << 5) | 24, value)
  if (value < 0x10000) return Uint8Array.of((major << 5) | 25, value >> 8, value & 0xff)
  if (value < 0x100000000) {
    const out = new Uint8Array(5)
    out[0] = (major << 5) | 26
    new DataView(out.buffer).setUint32(1, value)
    return out
  }
  const out = new Uint8Array(9)
  out[0] = (major << 5) | 27
  new DataView(out.buffer).setBigUint64(1, BigInt(value))
  return out
}

/** Encodes a value as CBOR (definite lengths, shortest heads). */
export function encodeCBOR(value: CBORIn): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value)
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value)
    return concat(cborHead(3, bytes.length), bytes)
  }
  if (value instanceof Uint8Array) return concat(cborHead(2, value.length), value)
  if (value === false) return Uint8Array.of(0xf4)
  if (value === true) return Uint8Array.of(0xf5)
  if (value === null) return Uint8Array.of(0xf6)
  if (Array.isArray(value)) return concat(cborHead(4, value.length), ...value.map(encodeCBOR))
  return concat(cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [encodeCBOR(k), encodeCBOR(v)]))
}

// ---- keys ----

export interface SoftKey {
  alg: Alg
  privateKey: KeyObject
  publicKey: KeyObject
  /** the COSE_Key map and its CBOR bytes */
  coseMap: Map<number, CBORIn>
  cose: Uint8Array
}

const fromJwk = (text: string | undefined) => fromB64url(text as string)

/** A fresh key pair of the algorithm, with its COSE public key (RFC 9053 §7, RFC 8230 §4). */
export function generateKey(alg: Alg, rsaBits = 2048): SoftKey {
  const pair =
    alg === -8
      ? generateKeyPairSync('ed25519')
      : alg === -7
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: rsaBits })
  const jwk = pair.publicKey.export({ format: 'jwk' })
  const coseMap =
    alg === -8
      ? new Map<number, CBORIn>([
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, fromJwk(jwk.x)],
        ])
      : alg === -7
        ? new Map<number, CBORIn>([
            [1, 2],
            [3, -7],
            [-1, 1],
            [-2, fromJwk(jwk.x)],
            [-3, fromJwk(jwk.y)],
          ])
        : new Map<number, CBORIn>([
            [1, 3],
            [3, -257],
            [-1, fromJwk(jwk.n)],
            [-2, fromJwk(jwk.e)],
          ])
  return { alg, privateKey: pair.privateKey, publicKey: pair.publicKey, coseMap, cose: encodeCBOR(coseMap) }
}

/** Signs like an authenticator: ES256 in DER (X9.62), EdDSA raw, RS256 PKCS #1 v1.5. */
export function signWith(key: SoftKey, data: Uint8Array): Uint8Array {
  if (key.alg === -8) return new Uint8Array(sign(null, data, key.privateKey))
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' }))
}

// ---- responses ----

/** Every part of a response, each replaceable by a test. */
export interface Parts {
  alg: Alg
  key: SoftKey
  credentialId: Uint8Array
  clientData: Record<string, unknown>
  /** when set, used as clientDataJSON instead of JSON.stringify(clientData) */
  clientDataJSON?: Uint8Array
  rpIdHash: Uint8Array
  flags: number
  signCount: number
  aaguid: Uint8Array
  /** the COSE key bytes written into the authenticator data (registration) */
  cose: Uint8Array
  /** CBOR extension outputs appended after the key (set ED in `flags` yourself) */
  extensions?: Uint8Array
  /** when set, used as authenticator data instead of building it */
  authData?: Uint8Array
  /** `none` or `packed` (self-attestation) or another format name */
  fmt: string
  /** replaces the attestation statement */
  attStmt?: Map<number | string, CBORIn>
  /** replaces the whole attestation object */
  attestationObject?: Uint8Array
  /** transforms the signature before it is sent */
  tamperSignature?: (signature: Uint8Array) => Uint8Array
  /** signs again until the signature has this property (ECDSA signatures are randomized) */
  signUntil?: (signature: Uint8Array) => boolean
  id?: string
  type?: string
  transports?: unknown
}

/** A fresh credential and the parts of a valid registration for it (attestation `none` unless `fmt`). */
export function credential(alg: Alg, overrides: Partial<Parts> = {}): Parts {
  const key = overrides.key ?? generateKey(alg)
  return {
    alg,
    key,
    credentialId: new Uint8Array(randomBytes(32)),
    clientData: {},
    rpIdHash: sha256(RP_ID),
    flags: FLAGS.UP | FLAGS.UV,
    signCount: 0,
    aaguid: new Uint8Array(16),
    cose: key.cose,
    fmt: 'none',
    ...overrides,
  }
}

function clientDataOf(parts: Parts, type: string): Uint8Array {
  if (parts.clientDataJSON) return parts.clientDataJSON
  const data = { type, challenge: CHALLENGE, origin: ORIGIN, crossOrigin: false, ...parts.clientData }
  for (const [name, value] of Object.entries(data)) if (value === undefined) delete data[name as keyof typeof data]
  return new TextEncoder().encode(JSON.stringify(data))
}

/** The authenticator data of the parts; `attested` adds the attested credential data (sets AT itself). */
export function authenticatorData(parts: Parts, attested: boolean): Uint8Array {
  if (parts.authData) return parts.authData
  const head = new Uint8Array(37)
  head.set(parts.rpIdHash.subarray(0, 32))
  head[32] = parts.flags | (attested ? FLAGS.AT : 0)
  new DataView(head.buffer).setUint32(33, parts.signCount >>> 0)
  const pieces: Uint8Array[] = [head]
  if (attested) {
    const length = new Uint8Array(2)
    new DataView(length.buffer).setUint16(0, parts.credentialId.length)
    pieces.push(parts.aaguid, length, parts.credentialId, parts.cose)
  }
  if (parts.extensions) pieces.push(parts.extensions)
  return concat(...pieces)
}

function signed(parts: Parts, authData: Uint8Array, clientDataJSON: Uint8Array): Uint8Array {
  let signature = signWith(parts.key, concat(authData, sha256(clientDataJSON)))
  while (parts.signUntil && !parts.signUntil(signature)) {
    signature = signWith(parts.key, concat(authData, sha256(clientDataJSON)))
  }
  return parts.tamperSignature ? parts.tamperSignature(signature) : signature
}

export interface RegistrationJSON {
  id: string
  rawId: string
  type: string
  response: { clientDataJSON: string; attestationObject: string; transports?: unknown }
  clientExtensionResults: Record<string, never>
  authenticatorAttachment?: string
}

/** A registration response (`RegistrationResponseJSON`) built from the parts. */
export function registration(parts: Parts): RegistrationJSON {
  const clientDataJSON = clientDataOf(parts, 'webauthn.create')
  const authData = authenticatorData(parts, true)
  let attStmt = parts.attStmt
  if (attStmt === undefined) {
    attStmt =
      parts.fmt === 'packed'
        ? new Map<string, CBORIn>([
            ['alg', parts.alg],
            ['sig', signed(parts, authData, clientDataJSON)],
          ])
        : new Map()
  }
  const attestationObject =
    parts.attestationObject ??
    encodeCBOR(
      new Map<string, CBORIn>([
        ['fmt', parts.fmt],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    )
  return envelope(parts, {
    clientDataJSON: b64url(clientDataJSON),
    attestationObject: b64url(attestationObject),
    transports: parts.transports ?? ['usb'],
  })
}

/** The PublicKeyCredential JSON around a response: id and rawId (the same base64url), type, extension results. */
function envelope<R>(parts: Parts, response: R) {
  const id = parts.id ?? b64url(parts.credentialId)
  return { id, rawId: id, type: parts.type ?? 'public-key', response, clientExtensionResults: {} }
}

export interface AuthenticationJSON {
  id: string
  rawId: string
  type: string
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string }
  clientExtensionResults: Record<string, never>
}

/** An authentication response (`AuthenticationResponseJSON`) built from the parts. */
export function authentication(parts: Parts): AuthenticationJSON {
  const clientDataJSON = clientDataOf(parts, 'webauthn.get')
  const authData = authenticatorData(parts, false)
  return envelope(parts, {
    clientDataJSON: b64url(clientDataJSON),
    authenticatorData: b64url(authData),
    signature: b64url(signed(parts, authData, clientDataJSON)),
  })
}

/** The stored credential of the parts, as verifyAuthentication takes it. */
export function stored(parts: Parts, signCount = 0) {
  return { id: b64url(parts.credentialId), publicKey: parts.key.cose, signCount }
}

// ---- DER helpers for the signature variants ----

/** r and s of a DER ECDSA signature, as unsigned big-endian byte strings without leading zeros. */
export function derParts(der: Uint8Array): [Uint8Array, Uint8Array] {
  const rLength = der[3] as number
  const r = der.subarray(4, 4 + rLength)
  const s = der.subarray(6 + rLength, 6 + rLength + (der[5 + rLength] as number))
  const strip = (x: Uint8Array) => (x[0] === 0 ? x.subarray(1) : x)
  return [strip(r), strip(s)]
}

/** DER INTEGER of the content bytes as given (no normalization), and the SEQUENCE around them. */
export function derInteger(content: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x02, content.length), content)
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  const body = concat(...items)
  return concat(Uint8Array.of(0x30, body.length), body)
}

/** The minimal DER content of an unsigned integer (a zero byte before a top bit). */
export function derUnsigned(x: Uint8Array): Uint8Array {
  return (x[0] as number) >= 0x80 ? concat(Uint8Array.of(0), x) : x
}

/** The P-256 group order n (SEC 2 §2.4.2): s and n - s are both valid. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

export function toBig(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
}

export function fromBig(value: bigint): Uint8Array {
  let hex = value.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return new Uint8Array(Buffer.from(hex, 'hex'))
}
