#!/usr/bin/env node
// package.json's `exports` and `typesVersions`, derived from entries.mjs so that no entry can lack either:
// `exports` for Node, bundlers and TypeScript's node16/nodenext/bundler resolution, `typesVersions` for TypeScript's
// node10 (`moduleResolution: "node"`), which ignores `exports` and would find no types for a subpath.
//   node scripts/package-entries.mjs          checks package.json (exit 1 and the differences if it is stale)
//   node scripts/package-entries.mjs --write  rewrites both fields in package.json
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ENTRIES } from '../entries.mjs'

const file = fileURLToPath(new URL('../package.json', import.meta.url))

/** The two fields as entries.mjs says they must be, in ENTRIES order. */
export function expectedFields() {
  const exports = {}
  const typesVersions = {}
  for (const [sub, [, built]] of Object.entries(ENTRIES)) {
    exports[`.${sub}`] = {
      import: { types: `./${built}.d.ts`, default: `./${built}.js` },
      require: { types: `./${built}.d.cts`, default: `./${built}.cjs` },
    }
    // node10 reads the root's types from `types`; a subpath `mfa-core/x` looks up "x" here. It resolves like a
    // require(), so it gets the CJS declarations, as `types` does.
    if (sub !== '') typesVersions[sub.slice(1)] = [`./${built}.d.cts`]
  }
  exports['./package.json'] = './package.json'
  return { exports, typesVersions: { '*': typesVersions } }
}

/** What differs between package.json and entries.mjs, as lines for a person to read (empty when in step). */
export function packageEntryProblems(pkg = JSON.parse(readFileSync(file, 'utf8'))) {
  const expected = expectedFields()
  const problems = []
  for (const field of ['exports', 'typesVersions']) {
    const want = JSON.stringify(expected[field], null, 2)
    const have = JSON.stringify(pkg[field], null, 2)
    if (want !== have) problems.push(`package.json "${field}" is not what entries.mjs gives; expected:\n${want}`)
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const pkg = JSON.parse(readFileSync(file, 'utf8'))
    const { exports, typesVersions } = expectedFields()
    // keep the key order: typesVersions goes right after exports
    const next = {}
    for (const [key, value] of Object.entries(pkg)) {
      if (key === 'typesVersions') continue
      next[key] = key === 'exports' ? exports : value
      if (key === 'exports') next.typesVersions = typesVersions
    }
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`)
    console.log('package.json: exports and typesVersions written from entries.mjs')
  } else {
    const problems = packageEntryProblems()
    for (const problem of problems) console.error(problem)
    if (problems.length > 0) {
      console.error('*** run `node scripts/package-entries.mjs --write` after changing entries.mjs')
      process.exit(1)
    }
    console.log(`package.json: exports and typesVersions match entries.mjs (${Object.keys(ENTRIES).length} entries)`)
  }
}
