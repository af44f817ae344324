// Reed-Solomon error correction over GF(2^8) with the QR code polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), as in
// ISO/IEC 18004 §7.5.2. Tables are built on first use, so importing this module does no work.

let EXP = new Uint8Array(0) // EXP[i] = a^i, doubled so that EXP[LOG[a] + LOG[b]] needs no modulo
let LOG = new Uint8Array(0)
const GENERATOR_LOGS: Uint8Array[] = []

/** The generator polynomial (x - a^0)(x - a^1)...(x - a^(degree-1)) as logarithms, its leading 1 dropped. */
function generatorLogs(degree: number): Uint8Array {
  if (EXP.length === 0) {
    EXP = new Uint8Array(512)
    LOG = new Uint8Array(256)
    for (let i = 0, x = 1; i < 512; i++) {
      EXP[i] = x
      if (i < 255) LOG[x] = i
      x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1
    }
  }
  let logs = GENERATOR_LOGS[degree]
  if (logs === undefined) {
    const poly = new Uint8Array(degree)
    poly[degree - 1] = 1
    for (let i = 0; i < degree; i++) {
      // multiply by (x - a^i); every coefficient of these generators is non-zero
      for (let j = 0; j < degree; j++) {
        const c = poly[j]!
        poly[j] = (c === 0 ? 0 : EXP[LOG[c]! + i]!) ^ (j + 1 < degree ? poly[j + 1]! : 0)
      }
    }
    logs = poly.map((c) => LOG[c]!)
    GENERATOR_LOGS[degree] = logs
  }
  return logs
}

/**
 * Computes the error-correction codewords of one block: the remainder of data(x) * x^degree divided by the
 * generator polynomial of that degree.
 */
export function reedSolomon(data: Uint8Array, degree: number): Uint8Array {
  const gen = generatorLogs(degree)
  const rem = new Uint8Array(degree)
  const last = degree - 1
  for (let i = 0; i < data.length; i++) {
    // shift the remainder one codeword left, adding factor x generator
    const factor = data[i]! ^ rem[0]!
    if (factor === 0) {
      rem.copyWithin(0, 1)
      rem[last] = 0
      continue
    }
    const lf = LOG[factor]!
    for (let j = 0; j < last; j++) rem[j] = rem[j + 1]! ^ EXP[gen[j]! + lf]!
    rem[last] = EXP[gen[last]! + lf]!
  }
  return rem
}
