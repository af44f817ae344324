#!/usr/bin/env node
// Type-checks a small consumer project against the packed tarball in each TypeScript resolution mode users have:
// node10 (`moduleResolution: "node"`, which ignores `exports`), node16 and nodenext from CJS and from ESM, and
// bundler. The tarball is installed offline into a temporary project whose node_modules links this repo's
// TypeScript; every entry of entries.mjs is imported there, so a new entry is covered without editing this file.
//   node scripts/check-types.mjs PATH/TO/mfa-core-x.y.z.tgz
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENTRIES } from '../entries.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** name -> package.json `type`, and the compiler options that select the resolution mode. */
export const MODES = {
  'node10 (CJS)': ['commonjs', { module: 'commonjs', moduleResolution: 'node10' }],
  'node10 (ESM syntax)': ['commonjs', { module: 'es2022', moduleResolution: 'node10' }],
  'node16 (from CJS)': ['commonjs', { module: 'node16', moduleResolution: 'node16' }],
  'node16 (from ESM)': ['module', { module: 'node16', moduleResolution: 'node16' }],
  'nodenext (from CJS)': ['commonjs', { module: 'nodenext', moduleResolution: 'nodenext' }],
  'nodenext (from ESM)': ['module', { module: 'nodenext', moduleResolution: 'nodenext' }],
  bundler: ['module', { module: 'esnext', moduleResolution: 'bundler' }],
  'bundler (module preserve)': ['module', { module: 'preserve', moduleResolution: 'bundler' }],
}

/** The consumer: every entry imported as a namespace that must not be `any`, and a few calls checked both ways. */
function consumerSource() {
  const subpaths = Object.keys(ENTRIES)
  const lines = [
    `import { createKeyURI, parseKeyURI, type ParsedKeyURI } from 'mfa-core'`,
    `import { renderSVG } from 'mfa-core/qr'`,
    ...subpaths.map((sub, i) => `import * as entry${i} from 'mfa-core${sub}'`),
    '',
    '// a namespace whose types failed to resolve is `any` (or an error): never is not assignable from it',
    'type NotAny<T> = 0 extends 1 & T ? never : T',
    ...subpaths.map((_, i) => `export const check${i}: NotAny<typeof entry${i}> = entry${i}`),
    '',
    `const uri: string = createKeyURI({ accountName: 'alice', secret: new Uint8Array(20) })`,
    'const parsed: ParsedKeyURI = parseKeyURI(uri)',
    'export const digits: number = parsed.digits',
    'export const svg: string = renderSVG(uri)',
    '// @ts-expect-error accountName is required',
    'createKeyURI({ secret: new Uint8Array(20) })',
    '// @ts-expect-error renderSVG takes text or a matrix',
    'renderSVG(42)',
    '',
  ]
  return lines.join('\n')
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() }
}

/** Returns the names of the modes that failed (after printing their compiler output). */
export function checkTypes(tarball) {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-core-types-'))
  const failed = []
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
    const install = run(
      'npm',
      ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', resolve(tarball)],
      { cwd: dir },
    )
    if (!install.ok) {
      console.error(`npm install of the tarball failed:\n${install.output}`)
      return ['install']
    }
    symlinkSync(join(root, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'), 'dir')
    const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc')
    const source = consumerSource()
    for (const [name, [type, options]] of Object.entries(MODES)) {
      const project = join(dir, name.replace(/[^a-z0-9]+/gi, '-'))
      mkdirSync(project)
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }))
      writeFileSync(join(project, 'index.ts'), source)
      const compilerOptions = {
        ...options,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      }
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2))
      const result = run(process.execPath, [tsc, '-p', project])
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${name}`)
      if (!result.ok) {
        console.error(result.output)
        failed.push(name)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return failed
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tarball = process.argv[2]
  if (!tarball) {
    console.error('usage: node scripts/check-types.mjs PATH/TO/package.tgz')
    process.exit(2)
  }
  const failed = checkTypes(tarball)
  console.log(
    failed.length === 0
      ? `types resolve in ${Object.keys(MODES).length} modes for ${Object.keys(ENTRIES).length} entries`
      : `*** types failed in: ${failed.join(', ')}`,
  )
  process.exit(failed.length === 0 ? 0 : 1)
}
