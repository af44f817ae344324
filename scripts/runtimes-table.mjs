#!/usr/bin/env node
// README's runtime table is the table `npm run test:runtimes` writes to test-results/runtimes.md, copied verbatim
// between two markers in README.md, so that README carries only versions and results that command produced.
//   node scripts/runtimes-table.mjs --write   copies test-results/runtimes.md into README.md
//   node scripts/runtimes-table.mjs           checks (run by scripts/check-docs.mjs, i.e. `npm test`): README's table
//     must equal test-results/runtimes.md when that file exists (run --write after test:runtimes); in any case its
//     runtimes, in order, and how each loads the package must be the ones test:runtimes runs, and every row a pass.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const START = '<!-- runtimes table: test-results/runtimes.md, copied by `node scripts/runtimes-table.mjs --write` -->'
const END = '<!-- end of the runtimes table -->'
const FILE = 'test-results/runtimes.md'

const readme = readFileSync('README.md', 'utf8')
const start = readme.indexOf(START)
const end = readme.indexOf(END)
if (start < 0 || end < start) {
  console.error(`README.md: the runtimes table must sit between\n${START}\nand\n${END}`)
  process.exit(1)
}
const section = readme.slice(start + START.length + 1, end)

if (process.argv.includes('--write')) {
  if (!existsSync(FILE)) {
    console.error(`${FILE} is missing: run npm run test:runtimes first`)
    process.exit(1)
  }
  writeFileSync(
    'README.md',
    `${readme.slice(0, start + START.length + 1)}${readFileSync(FILE, 'utf8')}${readme.slice(end)}`,
  )
  console.log(`README.md: runtimes table copied from ${FILE}`)
  process.exit(0)
}

const problems = []
if (existsSync(FILE) && readFileSync(FILE, 'utf8') !== section) {
  problems.push(
    `README's runtimes table differs from ${FILE} (the last npm run test:runtimes here): run node scripts/runtimes-table.mjs --write`,
  )
}
const listed = spawnSync(process.execPath, ['scripts/test-runtimes.mjs', '--list'], { encoding: 'utf8' })
const expected = JSON.parse(listed.stdout)
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('|') && !line.startsWith('| Runtime') && !line.startsWith('| ---'))
  .map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim()),
  )
const names = (list) => list.map((r) => `${r.name} (${r.loads})`).join(', ')
const actual = rows.map(([name, , loads]) => ({ name, loads }))
if (names(actual) !== names(expected)) {
  problems.push(`README's runtimes are\n  ${names(actual)}\nbut npm run test:runtimes runs\n  ${names(expected)}`)
}
for (const [name, , , result] of rows) {
  if (!/^\d+ passed, 0 failed$/.test(result ?? '')) problems.push(`README's row for ${name} is not a pass: ${result}`)
}
if (!/^<!-- written by `npm run test:runtimes` on \d{4}-\d\d-\d\d -->$/m.test(section)) {
  problems.push("README's runtimes table lacks the line test:runtimes writes above it (its date)")
}
for (const problem of problems) console.error(problem)
if (problems.length === 0)
  console.log(`README's runtimes table: the ${rows.length} runtimes npm run test:runtimes runs`)
process.exit(problems.length === 0 ? 0 : 1)
