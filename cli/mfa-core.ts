// The `mfa-core` command line (Node only). Built by tsup into dist/cli.js; it imports the package by its own name, so
// it runs on the installed library. Exit status: 0 success, 1 a code did not verify (or a vector failed), 2 usage.
import {
  type Algorithm,
  createKeyURI,
  decodeBase32,
  encodeBase32,
  generateHOTP,
  generateSecret,
  generateTOTP,
  isOTPError,
  MAX_PERIOD,
  MIN_PERIOD,
  parseKeyURI,
  verifyHOTP,
  verifyTOTP,
} from 'mfa-core'
import { encodeQR, type QRErrorCorrection, renderSVG, renderTerminal } from 'mfa-core/qr'
import { intOption, type OptionKind, type ParsedArgs, parseArgs, UsageError } from './args.js'
import { firstLine, STDIN_RULE } from './stdin.js'
import { checkVectors } from './vectors.js'

declare const __MFA_CORE_VERSION__: string

const USAGE = `Usage: mfa-core <command> [options]

Commands:
  code <secret|uri|->            print the current code and the seconds it has left
  verify <secret|uri|-> <code>   check a code: exit 0 valid, 1 invalid (the reason is printed)
  uri --account NAME [--issuer NAME] [--secret BASE32|-]
                                 print an otpauth:// key URI (a new random secret if --secret is absent)
  qr <uri|->                     print the key URI as a QR code in the terminal
  qr --account NAME [--issuer NAME] [--secret BASE32|-]
                                 the same for a URI built as by 'uri'
  vectors                        check this installation against the RFC 4226 and RFC 6238 test vectors

<secret> is base32 (spaces, hyphens and lower case are fine); <uri> is an otpauth:// key URI and carries its own
algorithm, digits, period or counter. Arguments end up in your shell history: pass - instead to read the secret or
URI from stdin, e.g.  pass show totp/example | mfa-core code -   or   printf '%s\\n' "$key" | mfa-core qr -
${STDIN_RULE}.

Options:
  --algorithm SHA1|SHA256|SHA512  HMAC hash of a base32 secret (default SHA1)
  --digits N                      code length, 6 to 10 (default 6)
  --period S                      TOTP step in seconds, ${MIN_PERIOD} to ${MAX_PERIOD} (default 30)
  --counter N                     use HOTP at this counter instead of TOTP (code, verify, uri)
  --at TIME                       code, verify: compute at TIME (Unix seconds or ISO 8601) instead of now
  --window N                      verify: steps accepted each way around now (default 1); HOTP: look-ahead (default 0)
  --type totp|hotp                uri, qr: key type (default totp; hotp starts at --counter, default 0)
  --ecc L|M|Q|H                   qr: error-correction level (default L in the terminal, with a 2-module margin,
                                  so a typical key URI fits 80x24; M for --svg and --json)
  --svg                           qr: print SVG markup instead of terminal blocks
  --no-color                      qr: no ANSI colours: dark modules drawn as text, for dark text on a light
                                  background; also when stdout is not a terminal or NO_COLOR is set
  --invert                        qr: no ANSI colours, light modules drawn as text: for light text on a dark
                                  background (a dark terminal theme with NO_COLOR set)
  --json                          JSON on stdout for everything, also for errors and --help
  -h, --help                      this help
  -V, --version                   the installed mfa-core version

Exit status: 0 success, 1 invalid code or failed vector, 2 usage error or unusable input.
`

const KEY_OPTIONS: Record<string, OptionKind> = {
  algorithm: 'value',
  digits: 'value',
  period: 'value',
  counter: 'value',
}
const BUILD_OPTIONS: Record<string, OptionKind> = {
  ...KEY_OPTIONS,
  account: 'value',
  issuer: 'value',
  secret: 'value',
  type: 'value',
}
const COMMANDS: Record<string, Record<string, OptionKind>> = {
  code: { ...KEY_OPTIONS, at: 'value' },
  verify: { ...KEY_OPTIONS, at: 'value', window: 'value' },
  uri: BUILD_OPTIONS,
  qr: { ...BUILD_OPTIONS, ecc: 'value', svg: 'flag', 'no-color': 'flag', invert: 'flag' },
  vectors: {},
}
const GLOBAL: Record<string, OptionKind> = { json: 'flag', help: 'flag', version: 'flag' }

/** Where the command line writes; tests and the bin pass the process's streams. */
interface IO {
  stdout: (text: string) => void
  stderr: (text: string) => void
  readStdin: () => Promise<string>
  now: () => number
  /** Whether stdout may carry ANSI colours: a terminal, and NO_COLOR unset (https://no-color.org). */
  color: boolean
}

/** A key ready for the OTP functions, from a base32 secret and options, or from a key URI. */
interface Key {
  type: 'totp' | 'hotp'
  secret: Uint8Array
  algorithm: Algorithm
  digits: number
  period: number
  counter: bigint
}

function algorithmOption(args: ParsedArgs): Algorithm | undefined {
  const text = args.values.get('algorithm')
  if (text === undefined) return undefined
  const name = text.toUpperCase().replace('-', '')
  if (name !== 'SHA1' && name !== 'SHA256' && name !== 'SHA512') {
    throw new UsageError('--algorithm must be SHA1, SHA256 or SHA512')
  }
  return name
}

function counterOption(args: ParsedArgs): bigint | undefined {
  const text = args.values.get('counter')
  if (text === undefined) return undefined
  if (!/^\d{1,20}$/.test(text) || BigInt(text) > 2n ** 64n - 1n) {
    throw new UsageError('--counter must be an integer from 0 to 2^64 - 1')
  }
  return BigInt(text)
}

function timeOption(args: ParsedArgs, io: IO): number {
  const text = args.values.get('at')
  if (text === undefined) return io.now()
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text)
  if (!Number.isFinite(ms))
    throw new UsageError('--at must be Unix seconds or an ISO 8601 date, e.g. 2026-11-28T09:00:00Z')
  return ms
}

/** Reads `-` from stdin (see cli/stdin.ts for which lines are accepted). */
async function input(value: string, io: IO, what = 'a base32 secret or an otpauth:// URI'): Promise<string> {
  return value === '-' ? firstLine(await io.readStdin(), what) : value
}

/** The period option, in the range key URIs and the MFA service accept. */
const periodOption = (args: ParsedArgs): number | undefined => intOption(args, 'period', MIN_PERIOD, MAX_PERIOD)

function typeOption(args: ParsedArgs): 'totp' | 'hotp' {
  const type = typeOption(args)
  return type
}

function eccOption(args: ParsedArgs, fallback: QRErrorCorrection = 'M'): QRErrorCorrection {
  const ecc = (args.values.get('ecc') ?? fallback).toUpperCase()
  if (ecc !== 'L' && ecc !== 'M' && ecc !== 'Q' && ecc !== 'H') throw new UsageError('--ecc must be L, M, Q or H')
  return ecc
}

/**
 * Checks every option's value before anything else, so that a mistake is reported for the option that has it:
 * `code --digits JBSW...` took the secret as the value of --digits, and says so instead of "missing <secret>".
 */
function checkOptionValues(args: ParsedArgs, io: IO): void {
  const checks: Record<string, () => unknown> = {
    algorithm: () => algorithmOption(args),
    digits: () => intOption(args, 'digits', 6, 10),
    period: () => periodOption(args),
    counter: () => counterOption(args),
    at: () => timeOption(args, io),
    window: () => intOption(args, 'window', 0, 100),
    type: () => typeOption(args),
    ecc: () => eccOption(args),
  }
  for (const name of args.values.keys()) checks[name]?.()
}

async function readKey(value: string, args: ParsedArgs, io: IO): Promise<Key> {
  const text = await input(value, io)
  if (/^otpauth:/i.test(text)) {
    const given = Object.keys(KEY_OPTIONS).filter((name) => args.values.has(name))
    if (given.length > 0) {
      throw new UsageError(`a key URI carries its own parameters: drop ${given.map((n) => `--${n}`).join(', ')}`)
    }
    const parsed = parseKeyURI(text)
    return {
      type: parsed.type,
      secret: parsed.secret,
      algorithm: parsed.algorithm,
      digits: parsed.digits,
      period: parsed.period ?? 30,
      counter: parsed.counter ?? 0n,
    }
  }
  const secret = decodeBase32(text, { loose: true })
  if (secret.length === 0) throw new UsageError('the secret is empty')
  const counter = counterOption(args)
  return {
    type: counter === undefined ? 'totp' : 'hotp',
    secret,
    algorithm: algorithmOption(args) ?? 'SHA1',
    digits: intOption(args, 'digits', 6, 10) ?? 6,
    period: periodOption(args) ?? 30,
    counter: counter ?? 0n,
  }
}

/** JSON cannot hold a bigint: counters up to 2^53 as numbers, larger ones as strings. */
function counterJSON(counter: bigint): number | string {
  return counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter.toString()
}

function onePositional(args: ParsedArgs, what: string): string {
  const [first, ...rest] = args.positionals
  if (first === undefined) throw new UsageError(`missing ${what}`)
  if (rest.length > 0) throw new UsageError(`unexpected argument after ${what}`)
  return first
}

async function code(args: ParsedArgs, io: IO, json: boolean): Promise<number> {
  const key = await readKey(onePositional(args, '<secret|uri>'), args, io)
  const { algorithm, digits, period } = key
  if (key.type === 'hotp') {
    const value = await generateHOTP(key.secret, key.counter, { algorithm, digits })
    if (json) io.stdout(JSON.stringify({ type: 'hotp', code: value, counter: counterJSON(key.counter) }))
    else io.stdout(`${value} (counter ${key.counter})`)
    return 0
  }
  const timestamp = timeOption(args, io)
  const value = await generateTOTP(key.secret, { algorithm, digits, period, timestamp })
  const step = Math.floor(timestamp / 1000 / period)
  const secondsLeft = Math.ceil(((step + 1) * period * 1000 - timestamp) / 1000)
  if (json) io.stdout(JSON.stringify({ type: 'totp', code: value, secondsLeft, period, step }))
  else io.stdout(`${value} (${secondsLeft} s left)`)
  return 0
}

const REASONS: Readonly<Record<string, string>> = {
  malformed: 'not a code of the expected number of digits',
  mismatch: 'does not match the secret within the window',
}

async function verify(args: ParsedArgs, io: IO, json: boolean): Promise<number> {
  const [secretArg, codeArg, ...rest] = args.positionals
  if (secretArg === undefined || codeArg === undefined) throw new UsageError('verify needs <secret|uri|-> <code>')
  if (rest.length > 0) throw new UsageError('unexpected argument after <code>')
  const key = await readKey(secretArg, args, io)
  const { algorithm, digits, period } = key
  const window = intOption(args, 'window', 0, key.type === 'hotp' ? 100 : 10)
  let result: { valid: true; details: Record<string, unknown>; text: string } | { valid: false; reason: string }
  if (key.type === 'hotp') {
    const r = await verifyHOTP(key.secret, codeArg, key.counter, { algorithm, digits, lookAhead: window ?? 0 })
    result = r.valid
      ? {
          valid: true,
          details: { counter: counterJSON(r.counter), delta: r.delta },
          text: `valid at counter ${r.counter}; the next counter is ${r.counter + 1n}`,
        }
      : r
  } else {
    const timestamp = timeOption(args, io)
    const r = await verifyTOTP(key.secret, codeArg, { algorithm, digits, period, timestamp, window: window ?? 1 })
    result = r.valid
      ? {
          valid: true,
          details: { step: r.step, delta: r.delta },
          text: `valid${r.delta === 0 ? '' : ` (${Math.abs(r.delta)} step${Math.abs(r.delta) === 1 ? '' : 's'} ${r.delta < 0 ? 'behind' : 'ahead'})`}`,
        }
      : r
  }
  if (result.valid) {
    io.stdout(json ? JSON.stringify({ valid: true, ...result.details }) : result.text)
    return 0
  }
  io.stdout(json ? JSON.stringify(result) : `invalid: ${result.reason} (${REASONS[result.reason] ?? result.reason})`)
  return 1
}

async function buildURI(args: ParsedArgs, io: IO): Promise<string> {
  const accountName = args.values.get('account')
  if (accountName === undefined) throw new UsageError('--account is required')
  const type = args.values.get('type') ?? (args.values.has('counter') ? 'hotp' : 'totp')
  if (type !== 'totp' && type !== 'hotp') throw new UsageError('--type must be totp or hotp')
  if (type === 'totp' && args.values.has('counter')) throw new UsageError('--counter is for --type hotp')
  if (type === 'hotp' && args.values.has('period')) throw new UsageError('--period is for --type totp')
  const algorithm = algorithmOption(args)
  const secretArg = args.values.get('secret')
  const secret =
    secretArg === undefined
      ? generateSecret(algorithm === undefined ? {} : { algorithm })
      : decodeBase32(await input(secretArg, io, 'a base32 secret'), { loose: true })
  const issuer = args.values.get('issuer')
  const digits = intOption(args, 'digits', 6, 10)
  const period = periodOption(args)
  return createKeyURI({
    type,
    accountName,
    secret,
    ...(issuer === undefined ? {} : { issuer }),
    ...(algorithm === undefined ? {} : { algorithm }),
    ...(digits === undefined ? {} : { digits }),
    ...(period === undefined ? {} : { period }),
    ...(type === 'hotp' ? { counter: counterOption(args) ?? 0n } : {}),
  })
}

async function uri(args: ParsedArgs, io: IO, json: boolean): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('uri takes options only, e.g. --issuer Example --account alice')
  const built = await buildURI(args, io)
  // the requested output: the URI holds the secret, so --json may as well give it for manual entry
  io.stdout(json ? JSON.stringify({ uri: built, secret: encodeBase32(parseKeyURI(built).secret) }) : built)
  return 0
}

async function qr(args: ParsedArgs, io: IO, json: boolean): Promise<number> {
  let text: string
  if (args.values.has('account') || args.values.has('issuer')) {
    if (args.positionals.length > 0) throw new UsageError('give either a key URI or --account/--issuer, not both')
    if (!args.values.has('secret')) {
      io.stderr('mfa-core: a new secret was generated and is only in this QR code; to keep it, run `mfa-core uri ...`')
      io.stderr(
        `          first and pipe it in: key=$(mfa-core uri --issuer X --account Y); printf '%s\\n' "$key" | mfa-core qr -`,
      )
    }
    text = await buildURI(args, io)
  } else {
    text = await input(onePositional(args, '<uri> (or --account and --issuer)'), io, 'an otpauth:// URI')
    for (const name of ['secret', ...Object.keys(KEY_OPTIONS)]) {
      if (args.values.has(name)) throw new UsageError(`--${name} builds a URI: use it with --account`)
    }
    if (!/^otpauth:/i.test(text))
      throw new UsageError('qr takes an otpauth:// key URI; for a bare secret add --account')
    parseKeyURI(text) // refuse a URI an authenticator app would reject, before drawing it
  }
  // On a screen nothing smudges the code: the lowest level and a 2-module margin keep a typical URI within 80x24.
  const terminal = !json && !args.flags.has('svg')
  if (args.flags.has('invert') && !terminal)
    throw new UsageError('--invert is for the terminal drawing: not with --svg or --json')
  const ecc = eccOption(args, terminal ? 'L' : 'M')
  const matrix = encodeQR(text, { ecc })
  if (json) {
    // the URI (it holds the secret) as `uri --json` gives it: the caller asked for the QR code of exactly this text
    io.stdout(JSON.stringify({ uri: text, version: matrix.version, size: matrix.size, ecc, svg: renderSVG(matrix) }))
  } else if (args.flags.has('svg')) {
    io.stdout(renderSVG(matrix))
  } else {
    // Colours fix black on white in any theme; without them, the ink is the terminal's text colour: dark by default,
    // light with --invert (which therefore implies no colours)
    const invert = args.flags.has('invert')
    const ansi = io.color && !args.flags.has('no-color') && !invert
    io.stdout(renderTerminal(matrix, { ansi, invert, margin: 2 }))
  }
  return 0
}

async function vectors(args: ParsedArgs, io: IO, json: boolean): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('vectors takes no arguments')
  const result = await checkVectors()
  if (json) io.stdout(JSON.stringify(result))
  else {
    for (const f of result.failures) io.stdout(`FAIL ${f.name}: expected ${f.expected}, got ${f.actual}`)
    io.stdout(`${result.passed} passed, ${result.failed} failed`)
  }
  return result.failed === 0 ? 0 : 1
}

const RUN = { code, verify, uri, qr, vectors }

/**
 * Runs the command line.
 *
 * @param argv - the arguments after the program name
 * @param io - the streams and the clock
 * @returns the exit status: 0 success, 1 invalid code or failed vector, 2 usage error or unusable input
 */
async function main(argv: readonly string[], io: IO): Promise<number> {
  // --json may come anywhere, also before the command
  const json = argv.includes('--json')
  const fail = (kind: string, message: string, status: number): number => {
    if (json) io.stdout(JSON.stringify({ error: kind, message }))
    else io.stderr(`mfa-core: ${message}${kind === 'usage' ? "\nRun 'mfa-core --help' for usage." : ''}`)
    return status
  }
  try {
    const [command, ...rest] = argv.filter((arg) => arg !== '--json')
    if (command === undefined && json) return fail('usage', `missing command: ${Object.keys(RUN).join(', ')}`, 2)
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(json ? JSON.stringify({ usage: USAGE.trimEnd(), commands: Object.keys(RUN) }) : USAGE.trimEnd())
      return command === undefined ? 2 : 0
    }
    if (command === '--version' || command === '-V') {
      io.stdout(json ? JSON.stringify({ version: __MFA_CORE_VERSION__ }) : __MFA_CORE_VERSION__)
      return 0
    }
    const spec = COMMANDS[command]
    if (spec === undefined || !Object.hasOwn(RUN, command)) {
      throw new UsageError(command.startsWith('-') ? `missing command before ${command}` : `unknown command ${command}`)
    }
    const args = parseArgs(rest, { ...GLOBAL, ...spec })
    if (args.flags.has('help')) {
      io.stdout(json ? JSON.stringify({ usage: USAGE.trimEnd(), commands: Object.keys(RUN) }) : USAGE.trimEnd())
      return 0
    }
    if (args.flags.has('version')) throw new UsageError('--version goes alone: mfa-core --version')
    checkOptionValues(args, io)
    return await RUN[command as keyof typeof RUN](args, io, json)
  } catch (error) {
    if (error instanceof UsageError) return fail('usage', error.message, 2)
    // the library's messages never contain a secret or a code
    if (isOTPError(error)) return fail(error.code, error.message, 2)
    return fail('internal', error instanceof Error ? error.message : String(error), 1)
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the secret or otpauth:// URI, then press Enter and Ctrl-D:\n')
  process.stdin.setEncoding('utf8')
  let text = ''
  for await (const chunk of process.stdin) text += chunk
  return text
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  readStdin,
  now: Date.now,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
})
