// `mfa-core vectors`: checks the installed library against the test vectors published in the RFCs.
import { generateHOTP, generateTOTP } from 'mfa-core'
import { rfc4226Vectors, rfc6238Vectors } from 'mfa-core/testing'

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)

/** One vector that did not match. */
export interface VectorFailure {
  name: string
  expected: string
  actual: string
}

/**
 * Computes every RFC 4226 Appendix D and RFC 6238 Appendix B code with the installed library.
 *
 * @returns how many matched, and the ones that did not (with what was computed, or the error)
 */
export async function checkVectors(): Promise<{ passed: number; failed: number; failures: VectorFailure[] }> {
  const cases: Array<{ name: string; expected: string; compute: () => Promise<string> }> = []
  for (const v of rfc4226Vectors) {
    cases.push({
      name: `RFC 4226 App. D HOTP counter ${v.counter}`,
      expected: v.code,
      compute: () => generateHOTP(ascii(v.secret), v.counter, { digits: v.digits }),
    })
  }
  for (const v of rfc6238Vectors) {
    const { algorithm, digits, period, epoch } = v
    cases.push({
      name: `RFC 6238 App. B TOTP ${algorithm} T=${v.time}`,
      expected: v.code,
      compute: () => generateTOTP(ascii(v.secret), { algorithm, digits, period, epoch, timestamp: v.time * 1000 }),
    })
  }
  const failures: VectorFailure[] = []
  for (const { name, expected, compute } of cases) {
    let actual: string
    try {
      actual = await compute()
    } catch (error) {
      actual = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    }
    if (actual !== expected) failures.push({ name, expected, actual })
  }
  return { passed: cases.length - failures.length, failed: failures.length, failures }
}
