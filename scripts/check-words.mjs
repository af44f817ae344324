#!/usr/bin/env node
// The product flow is "the console flow". Names for it that only made sense in the process that produced this
// repository (the reference document it was taken from, or what that document was called there) mean nothing to a
// reader of it: no tracked file may use them (WORDS below).
// CHANGELOG.md keeps its history. RFC 6238's "seed" (the key of its test vectors) and seeded random generators are
// other words and pass.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const WORDS = /\bseed's\b|\bseed flow\b|\bthe guide\b|\bguide's\b/i
const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '' && f !== 'CHANGELOG.md' && f !== 'package-lock.json' && f !== 'scripts/check-words.mjs')
const hits = []
for (const file of files) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    continue // deleted in the working tree
  }
  text.split('\n').forEach((line, i) => {
    if (WORDS.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`)
  })
}
for (const hit of hits) console.error(hit)
if (hits.length > 0) console.error(`${hits.length} line(s) use process words: call the product flow "the console flow"`)
else console.log(`words: ${files.length} files, no process words`)
process.exit(hits.length > 0 ? 1 : 0)
