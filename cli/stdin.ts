// What `-` reads: stdin as `pass show` prints an entry. The first line is the key, and it must look like one: an
// otpauth:// URI or a base32 secret of at least 16 characters; a shorter word is more likely a password (`pass show`
// of a password entry), and a code computed from it would look just as valid. Further lines are accepted only when
// they are clearly not part of the key: empty, a `# comment`, or `name: value` metadata (login:, url:, ...). Anything
// else (a second secret, an otpauth:// URI on line 2, free text) is refused: the command cannot know which line is
// the key. A short secret can still be given as an argument, where it is plainly meant.
import { UsageError } from './args.js'

/** `name: value` (a name of letters, digits, spaces, `_`, `.`, `-`, then a colon and a space or the line's end). */
const METADATA = /^[A-Za-z][\w .-]{0,63}:(\s|$)/
/**
 * What the first line must look like: a key URI, or base32 as typed (groups, case) of at least 16 characters (80
 * bits, the shortest secret in common use): a shorter word is more likely a password.
 */
const KEY = /^(otpauth:\/\/\S+|(?:[A-Za-z2-7][ -]?){16,}=*)$/i

/** How the help and the README state the rule (one text, so they cannot drift apart). */
export const STDIN_RULE =
  '- reads the key from the first line of stdin: an otpauth:// URI or a base32 secret of at least 16 characters (a\n' +
  'shorter word is more likely a password); further lines must be empty, # comments or "name: value" metadata (as\n' +
  'in a pass entry)'

/**
 * Picks the key from what was piped in.
 *
 * @param text - all of stdin
 * @param what - what is expected, for the messages (e.g. 'a base32 secret or an otpauth:// URI')
 * @returns the first line, trimmed
 * @throws UsageError for empty input, an empty first line, a first line that is no key URI and no base32 secret
 *   of 16 characters or more, or further lines that are not clearly ignorable; the messages name line numbers, never
 *   their content (which may be a secret)
 */
export function firstLine(text: string, what: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim())
  const first = lines[0] ?? ''
  if (lines.every((line) => line === '')) throw new UsageError(`stdin is empty: expected ${what}`)
  if (first === '') throw new UsageError(`the first line of stdin is empty: expected ${what} there`)
  const rest = lines.slice(1)
  const other = rest.findIndex((line) => line !== '' && !line.startsWith('#') && !METADATA.test(line))
  if (other >= 0) {
    throw new UsageError(
      `stdin line ${other + 2} is neither empty, a # comment nor "name: value" metadata, so it is unclear which ` +
        `line is the key: pass the key on the first line, followed by nothing else or only such lines`,
    )
  }
  if (!KEY.test(first)) {
    const short = what.includes('base32')
      ? ' (a base32 secret of at least 16 characters: a shorter word is more likely a password; give a short ' +
        'secret as an argument instead)'
      : ''
    throw new UsageError(`the first line of stdin is not ${what}${short}`)
  }
  return first
}
