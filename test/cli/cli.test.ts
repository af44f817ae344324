// The `mfa-core` bin, run as a user would: the built dist/cli.js in a child process, with arguments and stdin.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeBase32, encodeBase32, generateHOTP, generateTOTP, MAX_PERIOD, parseKeyURI } from 'mfa-core'
import { encodeQR, renderSVG } from 'mfa-core/qr'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const CLI = `${root}dist/cli.js`
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }

// RFC 6238 Appendix B seeds in base32
const SHA1 = encodeBase32(new TextEncoder().encode('12345678901234567890'))
const SHA256 = encodeBase32(new TextEncoder().encode('12345678901234567890123456789012'))
const SHA512 = encodeBase32(
  new TextEncoder().encode('1234567890123456789012345678901234567890123456789012345678901234'),
)
const URI = 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'

function cli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env }
  delete env.NO_COLOR
  const run = spawnSync(process.execPath, [CLI, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    timeout: 20_000,
    env,
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** Runs the bin with stdout on a pseudo-terminal (util-linux `script`), as in an interactive shell. */
function onTerminal(args: string[], env: Record<string, string> = {}): string {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  const base = { ...process.env }
  delete base.NO_COLOR
  const run = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...base, ...env },
  })
  if (run.status !== 0) throw new Error(`script failed: ${run.stderr}`)
  return run.stdout
}

function json(args: string[], input?: string): { status: number | null; value: Record<string, unknown> } {
  const run = cli([...args, '--json'], input)
  return { status: run.status, value: JSON.parse(run.stdout) as Record<string, unknown> }
}

beforeAll(() => {
  // `npm test` builds before vitest; run alone, build first
  if (!existsSync(CLI)) {
    const build = spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' })
    if (build.status !== 0) throw new Error('tsup failed: cannot test dist/cli.js')
  }
}, 120_000)

describe('mfa-core --help, --version', () => {
  it('prints usage with every command and the stdin hint, exit 0', () => {
    const run = cli(['--help'])
    expect(run.status).toBe(0)
    for (const word of ['code <secret|uri|->', 'verify', 'uri --account', 'qr <uri|->', 'vectors', '--json', 'stdin']) {
      expect(run.stdout).toContain(word)
    }
    expect(cli(['-h']).stdout).toBe(run.stdout)
    expect(cli(['code', '--help']).stdout).toBe(run.stdout)
  })

  it('prints usage and exits 2 without a command', () => {
    const run = cli([])
    expect(run.status).toBe(2)
    expect(run.stdout).toContain('Usage: mfa-core')
  })

  it('answers in JSON with --json, also for --help', () => {
    const help = json(['--help'])
    expect(help.status).toBe(0)
    expect(help.value.usage).toBe(cli(['--help']).stdout.trimEnd())
    expect(help.value.commands).toEqual(['code', 'verify', 'uri', 'qr', 'vectors'])
    expect(json(['code', '--help']).value).toEqual(help.value)
    expect(json([])).toEqual({
      status: 2,
      value: { error: 'usage', message: 'missing command: code, verify, uri, qr, vectors' },
    })
  })

  it('prints the package version', () => {
    expect(cli(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` })
    expect(cli(['-V']).stdout).toBe(`${version}\n`)
    expect(json(['--version']).value).toEqual({ version })
  })
})

describe('mfa-core reading - (stdin)', () => {
  it('takes the first line and ignores empty, # comment and name: value lines, as in a pass entry', () => {
    const at = ['--digits', '8', '--at', '59']
    const entry = `${SHA1}\nlogin: alice@example.com\nurl: https://console.example.com/\n# phone: Aegis\n\n`
    expect(cli(['code', '-', ...at], entry).stdout).toBe('94287082 (1 s left)\n')
    expect(cli(['code', '-', ...at], `${SHA1}\r\n\r\n`).stdout).toBe('94287082 (1 s left)\n')
    // 16 base32 characters at least, as typed (groups, lower case); a shorter one only as an argument
    expect(cli(['code', '-'], 'JBSWY3DPEHPK3PXP\n').status).toBe(0)
    expect(cli(['code', '-'], 'jbsw y3dp ehpk 3pxp\nlogin: a\n').status).toBe(0)
    expect(cli(['code', '-'], 'JBSWY3DP\n').status).toBe(2)
    expect(cli(['code', 'JBSWY3DP']).status).toBe(0)
    expect(cli(['verify', '-', '94287082', ...at], entry).status).toBe(0)
    expect(cli(['qr', '-', '--svg'], `${URI}\nnote: for the demo\n`).stdout).toBe(`${renderSVG(encodeQR(URI))}\n`)
  })

  it('names line numbers in its refusals, never their content', () => {
    const run = cli(['code', '-'], `${SHA1}\nJBSWY3DPEHPK3PXPJBSW\n`)
    expect(run.status).toBe(2)
    expect(run.stderr).not.toContain('JBSWY3DP')
    expect(run.stderr).not.toContain(SHA1)
  })

  it('states the rule in --help', () => {
    const help = cli(['--help']).stdout
    expect(help).toContain('- reads the key from the first line of stdin: an otpauth:// URI or a base32 secret of')
    expect(help).toContain('at least 16 characters')
    expect(help).toContain('further lines must be empty, # comments or "name: value" metadata')
  })

  // README's examples of the rule, each line run as written (sh, printf) with `npx mfa-core` being this build: the
  // exit status its comment gives (none: 0 and a code), and a refusal never echoes what was read.
  const readme = readFileSync(`${root}README.md`, 'utf8')
  const examples = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)]
    .flatMap((block) => block[1]!.split('\n'))
    .filter((line) => /^printf '[^'$]*' \| npx mfa-core /.test(line))
  it("README's stdin examples, run as written: both outcomes, with the one-line short word refused", () => {
    expect(examples.filter((line) => /# exit 2/.test(line)).length).toBeGreaterThanOrEqual(3)
    expect(examples.filter((line) => !/# exit/.test(line)).length).toBeGreaterThanOrEqual(3)
    const oneLineWord = (line: string) => line.startsWith("printf 'hunter2\\n' | npx mfa-core code -")
    expect(examples.filter((line) => oneLineWord(line) && /# exit 2/.test(line))).toHaveLength(1)
    const env = { ...process.env }
    delete env.NO_COLOR
    for (const line of examples) {
      const command = line.replace(/\s+#.*$/, '').replace('npx mfa-core', `'${process.execPath}' '${CLI}'`)
      const run = spawnSync('sh', ['-c', command], { encoding: 'utf8', env, timeout: 20_000 })
      const status = Number(/# exit (\d)/.exec(line)?.[1] ?? 0)
      expect({ line, status: run.status }).toEqual({ line, status })
      if (status === 0) expect(run.stdout, line).toMatch(/^\d{6} \(\d+ s left\)\n$/)
      else {
        expect(run.stdout, line).toBe('')
        const input = /^printf '([^']*)'/.exec(line)![1]!.split('\\n')[0]!
        expect(run.stderr, line).not.toContain(input)
      }
    }
  })
})

describe('mfa-core vectors', () => {
  it('checks the RFC 4226 and RFC 6238 tables: 28 passed, 0 failed', () => {
    expect(cli(['vectors'])).toEqual({ status: 0, stdout: '28 passed, 0 failed\n', stderr: '' })
    expect(json(['vectors'])).toEqual({ status: 0, value: { passed: 28, failed: 0, failures: [] } })
  })
})

describe('mfa-core code', () => {
  it('computes RFC 6238 Appendix B codes at --at for each algorithm, with the seconds left', () => {
    expect(cli(['code', SHA1, '--digits', '8', '--at', '59']).stdout).toBe('94287082 (1 s left)\n')
    expect(cli(['code', SHA256, '--digits=8', '--algorithm', 'sha256', '--at', '1111111109']).stdout).toBe(
      '68084774 (1 s left)\n',
    )
    expect(cli(['code', SHA512, '--digits', '8', '--algorithm', 'SHA512', '--at', '2005-03-18T01:58:29Z']).stdout).toBe(
      '25091201 (1 s left)\n',
    )
    expect(json(['code', SHA1, '--digits', '8', '--at', '1234567890'])).toEqual({
      status: 0,
      value: { type: 'totp', code: '89005924', secondsLeft: 30, period: 30, step: 41152263 },
    })
  })

  it('uses the current time by default', async () => {
    const before = Date.now()
    const { value } = json(['code', SHA1])
    const after = Date.now()
    const secret = decodeBase32(SHA1)
    const expected = [
      await generateTOTP(secret, { timestamp: before }),
      await generateTOTP(secret, { timestamp: after }),
    ]
    expect(expected).toContain(value.code)
    expect(value.secondsLeft).toBeGreaterThanOrEqual(1)
    expect(value.secondsLeft).toBeLessThanOrEqual(30)
  })

  it('takes a key URI with its own parameters, also from stdin with -', async () => {
    const at = 1_700_000_000
    const expected = await generateTOTP(decodeBase32('JBSWY3DPEHPK3PXP'), { timestamp: at * 1000 })
    expect(cli(['code', URI, '--at', String(at)]).stdout).toBe(`${expected} (10 s left)\n`)
    expect(cli(['code', '-', '--at', String(at)], `${URI}\n`).stdout).toBe(`${expected} (10 s left)\n`)
    const uri60 = 'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A&digits=8&period=60&algorithm=SHA256'
    const code60 = await generateTOTP(decodeBase32('JBSWY3DPEHPK3PXP'), {
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      timestamp: at * 1000,
    })
    expect(json(['code', uri60, '--at', String(at)]).value).toMatchObject({ code: code60, period: 60, secondsLeft: 40 })
  })

  it('computes HOTP with --counter, or at the counter of an hotp URI', async () => {
    expect(cli(['code', SHA1, '--counter', '7']).stdout).toBe('162583 (counter 7)\n')
    const uri = `otpauth://hotp/A:b?secret=${SHA1}&issuer=A&counter=9`
    expect(json(['code', uri]).value).toEqual({ type: 'hotp', code: '520489', counter: 9 })
    const big = (2n ** 64n - 1n).toString()
    expect(json(['code', SHA1, '--counter', big]).value).toEqual({
      type: 'hotp',
      code: await generateHOTP(decodeBase32(SHA1), 2n ** 64n - 1n),
      counter: big,
    })
  })

  it('accepts a secret as typed: lower case, spaces, hyphens', () => {
    const typed = SHA1.toLowerCase()
      .replace(/(.{4})/g, '$1 ')
      .trim()
    expect(cli(['code', typed, '--digits', '8', '--at', '59']).stdout).toBe('94287082 (1 s left)\n')
    expect(cli(['code', '-', '--digits', '8', '--at', '59'], `  ${typed}  \n`).stdout).toBe('94287082 (1 s left)\n')
  })
})

describe('mfa-core verify', () => {
  const at = ['--digits', '8', '--at', '59']

  it('exits 0 for a valid code and 1 with the reason for an invalid one', () => {
    expect(cli(['verify', SHA1, '94287082', ...at])).toEqual({ status: 0, stdout: 'valid\n', stderr: '' })
    expect(cli(['verify', SHA1, '9428 7082', ...at]).status).toBe(0)
    const mismatch = cli(['verify', SHA1, '94287083', ...at])
    expect(mismatch.status).toBe(1)
    expect(mismatch.stdout).toMatch(/^invalid: mismatch \(/)
    const malformed = cli(['verify', SHA1, '9428708x', ...at])
    expect(malformed.status).toBe(1)
    expect(malformed.stdout).toMatch(/^invalid: malformed \(/)
  })

  it('--json gives the step and delta, or the reason', () => {
    expect(json(['verify', SHA1, '94287082', ...at])).toEqual({ status: 0, value: { valid: true, step: 1, delta: 0 } })
    expect(json(['verify', SHA1, '12345678', ...at])).toEqual({
      status: 1,
      value: { valid: false, reason: 'mismatch' },
    })
    expect(json(['verify', SHA1, '', ...at])).toEqual({ status: 1, value: { valid: false, reason: 'malformed' } })
  })

  it('accepts one step each way by default, more with --window', async () => {
    const secret = decodeBase32(SHA1)
    const now = 1_700_000_000
    const old = await generateTOTP(secret, { timestamp: (now - 60) * 1000 })
    const late = await generateTOTP(secret, { timestamp: (now - 30) * 1000 })
    expect(cli(['verify', SHA1, late, '--at', String(now)]).stdout).toBe('valid (1 step behind)\n')
    expect(cli(['verify', SHA1, old, '--at', String(now)]).status).toBe(1)
    expect(cli(['verify', SHA1, old, '--at', String(now), '--window', '2']).stdout).toBe('valid (2 steps behind)\n')
  })

  it('verifies HOTP with look-ahead (--window) and names the next counter', () => {
    expect(cli(['verify', SHA1, '969429', '--counter', '0']).status).toBe(1)
    expect(cli(['verify', SHA1, '969429', '--counter', '0', '--window', '3'])).toMatchObject({
      status: 0,
      stdout: 'valid at counter 3; the next counter is 4\n',
    })
    const uri = `otpauth://hotp/A:b?secret=${SHA1}&issuer=A&counter=2`
    expect(json(['verify', uri, '969429', '--window', '1'])).toEqual({
      status: 0,
      value: { valid: true, counter: 3, delta: 1 },
    })
  })

  it('reads the secret from stdin with -', () => {
    expect(cli(['verify', '-', '94287082', ...at], SHA1).status).toBe(0)
  })
})

describe('mfa-core uri', () => {
  it('generates a 20-byte secret and builds a URI', () => {
    const run = cli(['uri', '--issuer', 'Example Cloud', '--account', 'alice@example.com'])
    expect(run.status).toBe(0)
    const parsed = parseKeyURI(run.stdout.trim())
    expect(parsed).toMatchObject({ type: 'totp', issuer: 'Example Cloud', accountName: 'alice@example.com' })
    expect(parsed.secret.length).toBe(20)
    const other = parseKeyURI(cli(['uri', '--issuer', 'Example Cloud', '--account', 'alice@example.com']).stdout.trim())
    expect(encodeBase32(other.secret)).not.toBe(encodeBase32(parsed.secret))
  })

  it('uses a given secret, from the argument or stdin, with the options', () => {
    const args = [
      'uri',
      '--issuer',
      'Ex',
      '--account',
      'bob',
      '--algorithm',
      'SHA256',
      '--digits',
      '8',
      '--period',
      '60',
    ]
    const fromArg = cli([...args, '--secret', 'jbsw y3dp ehpk 3pxp']).stdout.trim()
    const fromStdin = cli([...args, '--secret', '-'], 'JBSWY3DPEHPK3PXP\n').stdout.trim()
    expect(fromStdin).toBe(fromArg)
    expect(parseKeyURI(fromArg)).toMatchObject({ algorithm: 'SHA256', digits: 8, period: 60, issuer: 'Ex' })
    expect(encodeBase32(parseKeyURI(fromArg).secret)).toBe('JBSWY3DPEHPK3PXP')
    const { value } = json(['uri', '--account', 'c', '--counter', '5', '--secret', 'JBSWY3DPEHPK3PXP'])
    expect(value.secret).toBe('JBSWY3DPEHPK3PXP')
    expect(parseKeyURI(value.uri as string)).toMatchObject({ type: 'hotp', counter: 5n, accountName: 'c' })
  })

  it('generates a secret of the hash length for SHA512', () => {
    const parsed = parseKeyURI(cli(['uri', '--account', 'a', '--algorithm', 'SHA512']).stdout.trim())
    expect(parsed.secret.length).toBe(64)
  })
})

describe('mfa-core qr', () => {
  /** Reads the --no-color half-block drawing back into modules (top and bottom half of each character). */
  function readBlocks(text: string): boolean[][] {
    const rows: boolean[][] = []
    for (const line of text.split('\n')) {
      const top: boolean[] = []
      const bottom: boolean[] = []
      for (const ch of line) {
        top.push(ch === '█' || ch === '▀')
        bottom.push(ch === '█' || ch === '▄')
      }
      rows.push(top, bottom)
    }
    return rows
  }

  it('draws the URI module for module in the terminal (ECC L, 2-module quiet zone)', () => {
    const run = cli(['qr', URI, '--no-color'])
    expect(run.status).toBe(0)
    const drawn = readBlocks(run.stdout.replace(/\n$/, ''))
    const matrix = encodeQR(URI, { ecc: 'L' })
    for (let y = 0; y < matrix.size; y++) {
      for (let x = 0; x < matrix.size; x++) expect(drawn[y + 2]?.[x + 2], `module ${x},${y}`).toBe(matrix.get(x, y))
    }
    expect(drawn.length).toBe(matrix.size + 4 + ((matrix.size + 4) % 2))
  })

  it('fits a typical key URI into an 80x24 terminal with room for the prompt', () => {
    const typical = `otpauth://totp/Example%20Cloud:alice%40example.com?secret=${'A'.repeat(32)}&issuer=Example%20Cloud`
    const lines = cli(['qr', typical]).stdout.replace(/\n$/, '').split('\n')
    expect(lines.length).toBeLessThanOrEqual(23)
    expect(Math.max(...lines.map((line) => Array.from(line).length))).toBeLessThanOrEqual(80)
  })

  it('uses ANSI colours on a terminal only, and never with NO_COLOR or --no-color', () => {
    expect(onTerminal(['qr', URI])).toContain('\u001b[')
    expect(onTerminal(['qr', URI], { NO_COLOR: '1' })).not.toContain('\u001b')
    expect(onTerminal(['qr', URI, '--no-color'])).not.toContain('\u001b')
    // redirected to a file or a pipe: plain text, the same drawing as --no-color
    expect(cli(['qr', URI]).stdout).not.toContain('\u001b')
    expect(cli(['qr', URI]).stdout).toBe(cli(['qr', URI, '--no-color']).stdout)
    // an empty NO_COLOR does not count (https://no-color.org)
    expect(onTerminal(['qr', URI], { NO_COLOR: '' })).toContain('\u001b[')
  })

  it('prints SVG with --svg, JSON (with the URI) with --json, reads stdin with -', () => {
    expect(cli(['qr', URI, '--svg']).stdout).toBe(`${renderSVG(encodeQR(URI))}\n`)
    expect(cli(['qr', '-', '--svg'], URI).stdout).toBe(`${renderSVG(encodeQR(URI))}\n`)
    expect(json(['qr', URI, '--ecc', 'h']).value).toEqual({
      uri: URI,
      version: encodeQR(URI, { ecc: 'H' }).version,
      size: encodeQR(URI, { ecc: 'H' }).size,
      ecc: 'H',
      svg: renderSVG(encodeQR(URI, { ecc: 'H' })),
    })
  })

  it('builds the URI from --issuer/--account/--secret', () => {
    const built = cli(['uri', '--issuer', 'Ex', '--account', 'a', '--secret', 'JBSWY3DPEHPK3PXP']).stdout.trim()
    const run = cli(['qr', '--issuer', 'Ex', '--account', 'a', '--secret', 'JBSWY3DPEHPK3PXP', '--svg'])
    expect(run.stdout).toBe(`${renderSVG(encodeQR(built))}\n`)
    expect(run.stderr).toBe('')
    // without --secret a new one is drawn, and the user is told how to keep it
    expect(cli(['qr', '--issuer', 'Ex', '--account', 'a']).stderr).toContain('new secret')
  })

  it('refuses what is not a key URI', () => {
    expect(cli(['qr', 'JBSWY3DPEHPK3PXP']).status).toBe(2)
    expect(cli(['qr', 'otpauth://totp/?secret=JBSWY3DPEHPK3PXP']).status).toBe(2)
  })
})

describe('usage errors: exit 2, a hint, nothing on stdout (JSON with --json)', () => {
  // [name, arguments, message, stdin]
  const cases: Array<[string, string[], RegExp, string?]> = [
    ['unknown command', ['frobnicate'], /unknown command frobnicate/],
    ['unknown option', ['code', SHA1, '--digit', '8'], /unknown option --digit/],
    ['unknown short option', ['code', SHA1, '-x'], /unknown option -x/],
    ['repeated option', ['code', SHA1, '--digits', '6', '--digits', '8'], /given twice/],
    ['option without value', ['code', SHA1, '--digits'], /--digits needs a value/],
    ['digits out of range', ['code', SHA1, '--digits', '5'], /--digits must be an integer from 6 to 10/],
    // the secret was taken as the value of --digits: the error is about --digits, not a missing secret
    ['option eating the secret', ['code', '--digits', SHA1], /(^|: )--digits must be an integer from 6 to 10/],
    ['option eating the secret (verify)', ['verify', '--window', SHA1, '123456'], /(^|: )--window must be/],
    [
      'period beyond the limit',
      ['code', SHA1, '--period', String(MAX_PERIOD + 1)],
      /--period must be an integer from 1 to 3600/,
    ],
    [
      'uri period beyond the limit',
      ['uri', '--account', 'a', '--period', '86400'],
      /--period must be an integer from 1 to 3600/,
    ],
    ['several lines on stdin', ['code', '-'], /stdin line 2 is neither empty/, `${SHA1}\nnotes\n`],
    ['a second key on stdin', ['code', '-'], /stdin line 3 is neither/, `${SHA1}\nlogin: a\n${URI}\n`],
    [
      'a first line that is no key',
      ['code', '-'],
      /first line of stdin is not a base32 secret/,
      'hunter2!\nlogin: a\n',
    ],
    ['an empty first line', ['code', '-'], /first line of stdin is empty/, `\n${SHA1}\n`],
    ['a short word first, then metadata', ['code', '-'], /first line of stdin is not/, 'password\nlogin: a\n'],
    ['--invert with --svg', ['qr', URI, '--svg', '--invert'], /--invert is for the terminal drawing/],
    ['a short word alone', ['code', '-'], /first line of stdin is not .*at least 16 characters/, 'hunter2\n'],
    ['a short word for --secret', ['uri', '--account', 'a', '--secret', '-'], /at least 16 characters/, 'hunter2\n'],
    ['qr: the first line must be a URI', ['qr', '-'], /qr takes an otpauth:\/\/ key URI/, `${SHA1}\nurl: x\n`],
    ['bad algorithm', ['code', SHA1, '--algorithm', 'MD5'], /--algorithm must be SHA1, SHA256 or SHA512/],
    ['bad time', ['code', SHA1, '--at', 'yesterday'], /--at must be/],
    ['missing secret', ['code'], /missing <secret\|uri>/],
    ['extra argument', ['code', SHA1, 'extra'], /unexpected argument/],
    ['missing code', ['verify', SHA1], /verify needs <secret\|uri\|-> <code>/],
    ['URI with its own parameters', ['code', URI, '--period', '60'], /drop --period/],
    ['empty stdin', ['code', '-'], /stdin is empty/, '  \n'],
    ['uri without account', ['uri', '--issuer', 'Ex'], /--account is required/],
    ['uri with positional', ['uri', 'JBSWY3DPEHPK3PXP'], /uri takes options only/],
    ['window out of range', ['verify', SHA1, '123456', '--window', '11'], /--window must be an integer from 0 to 10/],
    ['option of another command', ['vectors', '--digits', '8'], /unknown option --digits/],
    ['--version after a command', ['code', SHA1, '--version'], /--version goes alone/],
  ]
  for (const [name, args, message, input] of cases) {
    it(name, () => {
      const run = cli(args, input)
      expect(run.status).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(message)
      expect(run.stderr).toContain("Run 'mfa-core --help'")
      const machine = json(args, input)
      expect(machine).toMatchObject({ status: 2, value: { error: 'usage' } })
      expect(machine.value.message).toMatch(message)
    })
  }

  const inputs: Array<[string, string[], string, RegExp]> = [
    ['invalid base32', ['code', 'JBSWY3DP1'], 'ERR_BASE32_INVALID', /invalid base32/],
    ['invalid URI', ['code', 'otpauth://totp/a:b:c?secret=JBSWY3DPEHPK3PXP'], 'ERR_URI_INVALID', /invalid key URI/],
    ['uri with a colon', ['uri', '--issuer', 'Ex', '--account', 'a:b'], 'ERR_URI_INVALID', /must not contain ':'/],
  ]
  for (const [name, args, code, message] of inputs) {
    it(`unusable input: ${name} (the library's error code)`, () => {
      const run = cli(args)
      expect(run).toMatchObject({ status: 2, stdout: '' })
      expect(run.stderr).toMatch(message)
      expect(json(args)).toMatchObject({ status: 2, value: { error: code } })
    })
  }
})

describe('secrets stay out of the output unless asked for', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
  const runs: Array<[string, string[], string?]> = [
    ['code', ['code', secret]],
    ['code --json', ['code', secret, '--json']],
    ['verify', ['verify', secret, '123456']],
    ['verify --json', ['verify', secret, '123456', '--json']],
    ['code from stdin', ['code', '-'], secret],
    ['bad option with a secret', ['code', secret, '--digits', '99']],
    ['bad secret', ['code', `${secret}1`]],
    // (qr --json gives the URI back, as uri --json does: the caller asked for it)
    ['qr of a URI', ['qr', `otpauth://totp/A:b?secret=${secret}`, '--svg']],
    ['vectors', ['vectors']],
  ]
  for (const [name, args, input] of runs) {
    it(name, () => {
      const run = cli(args, input)
      expect(`${run.stdout}${run.stderr}`.toUpperCase()).not.toContain(secret.slice(0, 16))
    })
  }
})
