// Reed-Solomon error correction over GF(2^8) with the QR code polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), as in
// ISO/IEC 18004 §7.5.2. Tables are built on first use, so importing this module does no work.

let EXP: Uint8Array | undefined
let LOG: Uint8Array | undefined
const GENERATORS: Uint8Array[] = []

function tables(): [Uint8Array, Uint8Array] {
  if (EXP === undefined || LOG === undefined) {
    EXP = new Uint8Array(512)
    LOG = new Uint8Array(256)
    for (let i = 0, x = 1; i < 255; i++) {
      EXP[i] = x
      LOG[x] = i
      x <<= 1
      if (x & 0x100) x ^= 0x11d
    }
    // doubled so that EXP[LOG[a] + LOG[b]] needs no modulo
    for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!
  }
  return [EXP, LOG]
}

/** The generator polynomial (x - a^0)(x - a^1)...(x - a^(degree-1)), highest coefficient (1) dropped. */
function generator(degree: number): Uint8Array {
  const cached = GENERATORS[degree]
  if (cached) return cached
  const [exp, log] = tables()
  const poly = new Uint8Array(degree)
  poly[degree - 1] = 1
  for (let i = 0, root = 1; i < degree; i++) {
    // multiply by (x - root)
    for (let j = 0; j < degree; j++) {
      const c = poly[j]!
      poly[j] = (c === 0 ? 0 : exp[log[c]! + log[root]!]!) ^ (poly[j + 1] ?? 0)
    }
    root = exp[i + 1]!
  }
  GENERATORS[degree] = poly
  return poly
}

/**
 * Computes the error-correction codewords of one block: the remainder of data(x) * x^degree divided by the
 * generator polynomial of that degree.
 */
export function reedSolomon(data: Uint8Array, degree: number): Uint8Array {
  const [exp, log] = tables()
  const gen = generator(degree)
  const genLog = new Uint8Array(degree)
  for (let j = 0; j < degree; j++) genLog[j] = log[gen[j]!]!
  const rem = new Uint8Array(degree)
  for (let i = 0; i < data.length; i++) {
    const factor = data[i]! ^ rem[0]!
    rem.copyWithin(0, 1)
    rem[degree - 1] = 0
    if (factor !== 0) {
      const lf = log[factor]!
      for (let j = 0; j < degree; j++) rem[j] = rem[j]! ^ exp[genLog[j]! + lf]!
    }
  }
  return rem
}
