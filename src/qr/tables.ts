// ISO/IEC 18004:2015 Table 9, packed: for levels L, M, Q, H in turn, 40 characters each (version 1 first), whose
// character code minus 40 is the number of error-correction codewords per block (EC) or of blocks (BLOCKS).
// Unpacked, they are checked against Table 7's capacities and an independent encoder by the tests.
const EC =
  '/27<B:<@F:<@BF>@DFDDDDFFBDFFFFFFFFFFFFFF28B:@8:>>BF>>@@DDBBBBDDDDDDDDDDDDDDDDDDD5>:B:@:><@DB@<F@DDBFDFFFFDFFFFFFFFFFFFFF9D>8>DBB@D@D>@@FDDBDF@FFFFFFFFFFFFFFFFFF'
const BLOCKS =
  ')))))****,,,,,..../0011244456789:;;<=>@A)))**,,,---01122356899:<=?ABDEGIKMNPSUWY))**,,..000248498:=<??ACEJJKNPSUX[]`cfil))*,,,-.003388:8;=AAAJFHKMPRUX[^adgjnruy'

/** The error-correction levels, in the order of the tables above. */
export const ECC_LEVELS = ['L', 'M', 'Q', 'H'] as const

/** Size of the symbol in modules: §6.3.1, 21 for version 1, 4 more per version. */
export const sizeOf = (version: number): number => version * 4 + 17

/** Centre coordinates of the alignment patterns (§6.3.6, Annex E), the same along both axes. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return []
  const count = Math.floor(version / 7) + 2
  // Annex E: the patterns are spaced evenly from the last one back to the second, in even steps; version 32 is
  // the one exception to the rounding.
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2
  const positions = [6]
  for (let pos = sizeOf(version) - 7; positions.length < count; pos -= step) positions.splice(1, 0, pos)
  return positions
}

/** Codewords (data + error correction) the symbol holds: every module that is not a function pattern, in bytes. */
export function rawCodewords(version: number): number {
  let modules = (16 * version + 128) * version + 64
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2
    modules -= (25 * align - 10) * align - 55
    if (version >= 7) modules -= 36 // two 6x3 version-information blocks
  }
  return modules >> 3
}

/** The block structure of a version and level: blocks, error-correction codewords per block, data codewords. */
export function blockLayout(version: number, level: number): { blocks: number; ecLength: number; data: number } {
  const i = level * 40 + version - 1
  const blocks = BLOCKS.charCodeAt(i) - 40
  const ecLength = EC.charCodeAt(i) - 40
  return { blocks, ecLength, data: rawCodewords(version) - blocks * ecLength }
}
