// The test vectors published in the RFCs, typed out once, as data: the project's own suites, its CLI and its runtime
// conformance suite read them from here, and so can any application's tests.
import type { Algorithm } from '../internal/otp.js'

/** One HOTP test value of RFC 4226 Appendix D. */
export interface RFC4226Vector {
  /** The secret as printed in the RFC: ASCII text whose bytes (`new TextEncoder().encode(secret)`) are the key. */
  readonly secret: string
  /** The counter C. */
  readonly counter: number
  /** HMAC-SHA-1(secret, counter), lower-case hex (the "Intermediate HMAC" table). */
  readonly hmac: string
  /** The 31-bit dynamic truncation of the HMAC, in decimal (the "Truncated" table). */
  readonly truncated: number
  /** The 6-digit HOTP value. */
  readonly code: string
  /** Always 6. */
  readonly digits: 6
  /** Always 'SHA1'. */
  readonly algorithm: 'SHA1'
  /** Where the vector is printed. */
  readonly section: 'RFC 4226 Appendix D'
}

/** One TOTP test vector of RFC 6238 Appendix B (8 digits, 30-second steps, T0 = 0). */
export interface RFC6238Vector {
  /** The seed as printed in the reference implementation: ASCII text whose bytes are the key (20, 32 or 64 bytes). */
  readonly secret: string
  /** The HMAC hash ("Mode" column). */
  readonly algorithm: Algorithm
  /** The Unix time in seconds ("Time (sec)" column); pass `time * 1000` as `timestamp`. */
  readonly time: number
  /** The time step T, which is the HOTP counter (the "Value of T (hex)" column, as a number). */
  readonly step: number
  /** The 8-digit TOTP value. */
  readonly code: string
  /** Always 8. */
  readonly digits: 8
  /** Always 30 (seconds). */
  readonly period: 30
  /** Always 0 (seconds). */
  readonly epoch: 0
  /** Where the vector is printed. */
  readonly section: 'RFC 6238 Appendix B'
}

/** One base32 test vector of RFC 4648 §10. */
export interface RFC4648Vector {
  /** The input, ASCII text (its bytes are what is encoded). */
  readonly input: string
  /** BASE32 of the input, padded with `=` as printed in the RFC. */
  readonly encoded: string
  /** Where the vector is printed. */
  readonly section: 'RFC 4648 §10'
}

const HOTP_SECRET = '12345678901234567890'

// RFC 4226 Appendix D: [HMAC-SHA-1 of the count, truncated value, HOTP] for counts 0 to 9.
const HOTP_TABLE: ReadonlyArray<readonly [string, number, string]> = [
  ['cc93cf18508d94934c64b65d8ba7667fb7cde4b0', 1284755224, '755224'],
  ['75a48a19d4cbe100644e8ac1397eea747a2d33ab', 1094287082, '287082'],
  ['0bacb7fa082fef30782211938bc1c5e70416ff44', 137359152, '359152'],
  ['66c28227d03a2d5529262ff016a1e6ef76557ece', 1726969429, '969429'],
  ['a904c900a64b35909874b33e61c5938a8e15ed1c', 1640338314, '338314'],
  ['a37e783d7b7233c083d4f62926c7a25f238d0316', 868254676, '254676'],
  ['bc9cd28561042c83f219324d3c607256c03272ae', 1918287922, '287922'],
  ['a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', 82162583, '162583'],
  ['1b3c89f65e6c9e883012052823443f048b4332db', 673399871, '399871'],
  ['1637409809a679dc698207310c8c7fc07290d9e5', 645520489, '520489'],
]

/**
 * RFC 4226 Appendix D: the HOTP values of the secret "12345678901234567890" for counters 0 to 9, with the
 * intermediate HMAC-SHA-1 and the truncated value of each.
 *
 * @example
 * import { generateHOTP } from 'mfa-core'
 * import { rfc4226Vectors } from 'mfa-core/testing'
 * for (const v of rfc4226Vectors) {
 *   if ((await generateHOTP(new TextEncoder().encode(v.secret), v.counter)) !== v.code) throw new Error(v.section)
 * }
 * @see RFC 4226 Appendix D
 */
export const rfc4226Vectors: readonly RFC4226Vector[] = Object.freeze(
  HOTP_TABLE.map(([hmac, truncated, code], counter) =>
    Object.freeze({
      secret: HOTP_SECRET,
      counter,
      hmac,
      truncated,
      code,
      digits: 6 as const,
      algorithm: 'SHA1' as const,
      section: 'RFC 4226 Appendix D' as const,
    }),
  ),
)

// RFC 6238 Appendix B: the seed of each mode is the ASCII digits "1234567890" repeated to the hash's output length.
const TOTP_SEEDS: Readonly<Record<Algorithm, string>> = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
}

// RFC 6238 Appendix B: [time (s), T, SHA1, SHA256, SHA512].
const TOTP_TABLE: ReadonlyArray<readonly [number, number, string, string, string]> = [
  [59, 0x1, '94287082', '46119246', '90693936'],
  [1111111109, 0x23523ec, '07081804', '68084774', '25091201'],
  [1111111111, 0x23523ed, '14050471', '67062674', '99943326'],
  [1234567890, 0x273ef07, '89005924', '91819424', '93441116'],
  [2000000000, 0x3f940aa, '69279037', '90698825', '38618901'],
  [20000000000, 0x27bc86aa, '65353130', '77737706', '47863826'],
]

/**
 * RFC 6238 Appendix B: the TOTP values of the reference seeds at six times, for SHA1, SHA256 and SHA512, in the
 * RFC's row order.
 *
 * @example
 * import { generateTOTP } from 'mfa-core'
 * import { rfc6238Vectors } from 'mfa-core/testing'
 * for (const v of rfc6238Vectors) {
 *   const options = { algorithm: v.algorithm, digits: v.digits, timestamp: v.time * 1000 }
 *   if ((await generateTOTP(new TextEncoder().encode(v.secret), options)) !== v.code) throw new Error(v.section)
 * }
 * @see RFC 6238 Appendix B
 */
export const rfc6238Vectors: readonly RFC6238Vector[] = Object.freeze(
  TOTP_TABLE.flatMap(([time, step, ...codes]) =>
    (['SHA1', 'SHA256', 'SHA512'] as const).map((algorithm, i) =>
      Object.freeze({
        secret: TOTP_SEEDS[algorithm],
        algorithm,
        time,
        step,
        code: codes[i] as string,
        digits: 8 as const,
        period: 30 as const,
        epoch: 0 as const,
        section: 'RFC 6238 Appendix B' as const,
      }),
    ),
  ),
)

/**
 * RFC 4648 §10: BASE32 of the prefixes of "foobar", padded as printed there (otpauth:// URIs drop the `=`).
 *
 * @example
 * import { encodeBase32 } from 'mfa-core'
 * import { rfc4648Vectors } from 'mfa-core/testing'
 * for (const v of rfc4648Vectors) {
 *   if (encodeBase32(new TextEncoder().encode(v.input), { padding: true }) !== v.encoded) throw new Error(v.section)
 * }
 * @see RFC 4648 §10
 */
export const rfc4648Vectors: readonly RFC4648Vector[] = Object.freeze(
  (
    [
      ['', ''],
      ['f', 'MY======'],
      ['fo', 'MZXQ===='],
      ['foo', 'MZXW6==='],
      ['foob', 'MZXW6YQ='],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI======'],
    ] as const
  ).map(([input, encoded]) => Object.freeze({ input, encoded, section: 'RFC 4648 §10' as const })),
)
