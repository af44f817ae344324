// Command-line parsing for the mfa-core bin: a command, positionals and `--name value` / `--name=value` options,
// checked against what each command accepts. Small and strict: an unknown or repeated option is a usage error.

/** A mistake in how the command was called: printed with a hint, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** What an option takes: a value, or nothing (a flag). */
export type OptionKind = 'value' | 'flag'

/** The result of {@link parseArgs}. */
export interface ParsedArgs {
  positionals: string[]
  values: Map<string, string>
  flags: Set<string>
}

const SHORT: Readonly<Record<string, string>> = { '-h': '--help', '-V': '--version' }

/**
 * Splits arguments into positionals, option values and flags.
 *
 * @param argv - the arguments after the command
 * @param spec - the options this command accepts, by name without `--`
 * @returns the positionals in order, the values and the flags
 * @throws UsageError for an unknown, repeated or value-less option, or a value given to a flag
 */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionKind>>): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() }
  for (let i = 0; i < argv.length; i++) {
    const arg = SHORT[argv[i] as string] ?? (argv[i] as string)
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('--')) {
      // '-' alone is a positional: read that argument from stdin
      if (arg.length > 1 && arg.startsWith('-') && !/^-\d/.test(arg)) throw new UsageError(`unknown option ${arg}`)
      parsed.positionals.push(arg)
      continue
    }
    const equals = arg.indexOf('=')
    const name = arg.slice(2, equals < 0 ? undefined : equals)
    const kind = spec[name]
    if (kind === undefined) throw new UsageError(`unknown option --${name}`)
    if (parsed.values.has(name) || parsed.flags.has(name)) throw new UsageError(`--${name} is given twice`)
    if (kind === 'flag') {
      if (equals >= 0) throw new UsageError(`--${name} takes no value`)
      parsed.flags.add(name)
      continue
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[++i]
    if (value === undefined || (equals < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
    parsed.values.set(name, value)
  }
  return parsed
}

/**
 * Reads an integer option.
 *
 * @param args - the parsed arguments
 * @param name - the option's name
 * @param min - smallest accepted value
 * @param max - largest accepted value
 * @returns the number, or undefined when the option is absent
 * @throws UsageError when the value is not an integer in range
 */
export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = args.values.get(name)
  if (text === undefined) return undefined
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  }
  return value
}
