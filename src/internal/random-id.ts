// Random ids for things the MFA service names (authenticators, trusted devices). Not API.
import { randomBytes } from './crypto.js'

/** 16 letters, no digit (and no look-alikes i, l, o): an id in a log or an event never looks like a code. */
const ID_ALPHABET = 'abcdefghjkmnpqrs'

/** `length` letters of a 16-letter alphabet, 4 random bits each (20 letters: 80 bits). */
export function randomId(length: number): string {
  return Array.from(randomBytes(length), (b) => ID_ALPHABET[b & 15]).join('')
}
