// A strict decoder for the subset of CBOR (RFC 8949) that WebAuthn uses: attestation objects, COSE keys and
// extension maps. Definite lengths only, integers and lengths in their shortest form (§4.2.1), no tags, no floats,
// no duplicate map keys, bounded depth and size. It never throws and never reads past its input: anything outside
// the subset is `null`. Not API.

/** A decoded CBOR value: maps keep their keys (integers or text) in the order they were read. */
export type CBORValue = number | string | Uint8Array | boolean | null | CBORValue[] | CBORMap

/** A decoded CBOR map. */
export type CBORMap = Map<number | string, CBORValue>

/** A value and the offset just past it, so whatever follows (extension data after a COSE key) is found directly. */
export interface CBORItem {
  value: CBORValue
  end: number
}

/** Nesting deeper than this is refused (an attestation object is 3 deep, its extensions a few more). */
const MAX_DEPTH = 16
/** Items (array elements, map entries) in one container, so a 5-byte header cannot promise billions of them. */
const MAX_ITEMS = 1024

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Decodes the one CBOR item that starts at `offset`.
 *
 * @param bytes - the input
 * @param offset - where the item starts (default 0)
 * @returns the value and the offset just past it, or null when the bytes are not one item of the subset
 * @see RFC 8949 §3 (encoding), §4.2.1 (preferred serialization of integers and lengths)
 */
export function decodeCBOR(bytes: Uint8Array, offset = 0): CBORItem | null {
  if (!Number.isSafeInteger(offset) || offset < 0) return null
  return item(bytes, offset, 0)
}

/** Reads the argument of the head at `at` (RFC 8949 §3): its value and where the content starts. */
function head(bytes: Uint8Array, at: number): { major: number; info: number; arg: number; next: number } | null {
  const first = bytes[at]
  if (first === undefined) return null
  const major = first >> 5
  const info = first & 31
  if (info < 24) return { major, info, arg: info, next: at + 1 }
  // 24..27: a 1, 2, 4 or 8 byte argument; 28..30 are reserved, 31 is an indefinite length (refused)
  if (info > 27) return null
  const size = 1 << (info - 24)
  if (at + 1 + size > bytes.length) return null
  let arg = 0
  for (let i = 1; i <= size; i++) arg = arg * 256 + (bytes[at + i] as number)
  // §4.2.1: the shortest form; and nothing this decoder returns goes beyond a safe integer
  const shortest = info === 24 ? 24 : 2 ** (8 * (size / 2))
  if (arg < shortest || arg > Number.MAX_SAFE_INTEGER) return null
  return { major, info, arg, next: at + 1 + size }
}

function item(bytes: Uint8Array, at: number, depth: number): CBORItem | null {
  const h = head(bytes, at)
  if (h === null) return null
  const { major, arg, next } = h
  switch (major) {
    case 0:
      return { value: arg, end: next }
    case 1:
      // -1 - arg stays safe: arg <= 2^53 - 1
      return { value: -1 - arg, end: next }
    case 2:
    case 3: {
      if (arg > bytes.length - next) return null
      const content = bytes.subarray(next, next + arg)
      if (major === 2) return { value: content.slice(), end: next + arg }
      try {
        return { value: utf8.decode(content), end: next + arg }
      } catch {
        return null
      }
    }
    case 4:
    case 5:
      return depth >= MAX_DEPTH || arg > MAX_ITEMS
        ? null
        : major === 4
          ? array(bytes, next, arg, depth)
          : map(bytes, next, arg, depth)
    case 7:
      // simple values false, true and null only (§3.3); no floats, no undefined
      if (h.info === 20) return { value: false, end: next }
      if (h.info === 21) return { value: true, end: next }
      if (h.info === 22) return { value: null, end: next }
      return null
    default:
      // major type 6, tags: WebAuthn uses none
      return null
  }
}

function array(bytes: Uint8Array, at: number, count: number, depth: number): CBORItem | null {
  const value: CBORValue[] = []
  let end = at
  for (let i = 0; i < count; i++) {
    const element = item(bytes, end, depth + 1)
    if (element === null) return null
    value.push(element.value)
    end = element.end
  }
  return { value, end }
}

function map(bytes: Uint8Array, at: number, count: number, depth: number): CBORItem | null {
  const value: CBORMap = new Map()
  let end = at
  for (let i = 0; i < count; i++) {
    const key = item(bytes, end, depth + 1)
    // keys are integers or text (COSE labels, attestation object names); duplicates are refused (§5.6)
    if (key === null || (typeof key.value !== 'number' && typeof key.value !== 'string') || value.has(key.value)) {
      return null
    }
    const entry = item(bytes, key.end, depth + 1)
    if (entry === null) return null
    value.set(key.value, entry.value)
    end = entry.end
  }
  return { value, end }
}

/** Tells whether a decoded value is a map. */
export function isCBORMap(value: CBORValue | undefined): value is CBORMap {
  return value instanceof Map
}
