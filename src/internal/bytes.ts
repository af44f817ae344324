// Byte helpers shared by the codecs and the OTP core. Not API.

/** A fresh copy backed by its own ArrayBuffer, which WebCrypto's `BufferSource` typing requires (TS 5.7+). */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.length)
  copy.set(bytes)
  return copy
}

/** Compares two equal-length strings without an early exit, so timing does not reveal the first difference. */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** `a` followed by `b`, in a new array. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Compares two byte strings without an early exit; a length difference is not secret and returns at once. */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/** Tells whether a value is a Uint8Array, also one from another realm (an iframe, a vm context). */
export function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && (value as Uint8Array)[Symbol.toStringTag] === 'Uint8Array'
}

const ENCODER = /* @__PURE__ */ new TextEncoder()

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD, as the WHATWG encoder does). */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return ENCODER.encode(text) as Uint8Array<ArrayBuffer>
}

/** Each byte value's two lower-case hex digits. */
const HEX_PAIRS = /* @__PURE__ */ Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** The first `length` bytes of `bytes` (all of them by default) as lower-case hex. */
export function toHex(bytes: Uint8Array, length = bytes.length): string {
  let out = ''
  for (let i = 0; i < Math.min(length, bytes.length); i++) out += HEX_PAIRS[bytes[i] as number]
  return out
}
