#!/usr/bin/env node
// Every snippet of README.md and docs/*.md runs as its label says, since README tells readers to save snippets by it:
// - every ```ts block is type-checked as TypeScript against the package's sources, under the names users import
//   (`mfa-core`, `mfa-core/qr`, ...). A block is a module: top-level await and `declare const` work. A block fenced
//   ```ts nocheck is skipped (for deliberate counter-examples); say why next to it.
// - every ```js block is an ES module saved as `.mjs` (so TypeScript or `require` in one fails), every ```cjs block
//   CommonJS saved as `.cjs`: each is parsed by Node, and run against the built dist/ unless its fence says why not
//   (```js needs a PostgreSQL server; ```js excerpt of FILE for lines of a function body, parsed inside a function):
//   a block that needs no server must work as copied.
// Every snippet that creates a database client (pg, node-redis, ioredis, mysql2, mariadb) must register an 'error'
// listener: without one, a database restart crashes the copied application. No install command anywhere holds a
// placeholder (`<owner>`), and a tarball named in the docs is the one `npm pack` writes for this version. Last,
// README's runtime table must be the one `npm run test:runtimes` writes (scripts/runtimes-table.mjs).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { existingEntries } from '../entries.mjs'

const out = `.docs-check-${process.pid}`
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version
const files = [
  'README.md',
  ...(existsSync('docs')
    ? readdirSync('docs')
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : []),
]
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

let count = 0
const scripts = [] // [name, file:line, reason to only parse it or '']
const problems = []
// a client constructor, and the variable it is assigned to
const CLIENT =
  /(?:const|let)\s+(\w+)\s*=\s*(?:await\s+)?(?:new\s+(?:pg\.)?(?:Pool|Client|Redis|Cluster)\b|createClient\(|createCluster\(|(?:mysql|mariadb)\.createPool\()/g
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  const js = /^```(js|javascript|cjs)\b([^\n]*)\n([\s\S]*?)^```/gm
  for (let match = js.exec(text); match !== null; match = js.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length
    const name = `${file.replace(/[/.]/g, '_')}_L${line}.${match[1] === 'cjs' ? 'cjs' : 'mjs'}`
    scripts.push([name, `${file}:${line}`, match[2].trim()])
    // ```js excerpt of FILE: lines from a function body (a `return` may stand at the top): parsed inside one
    const body = /^excerpt\b/.test(match[2].trim()) ? `async function excerpt() {\n${match[3]}}\n` : match[3]
    writeFileSync(join(out, name), `// ${file}:${line}\n${body}`)
  }
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    // an install command with a placeholder cannot be run as written
    if (/\b(npm (install|i|add)|bun (add|install)|deno (add|install)|pnpm add|yarn add)\b[^`\n]*<[\w-]+>/.test(line)) {
      problems.push(`${file}:${index + 1}: an install command with a placeholder: ${line.trim()}`)
    }
    for (const [tarball, version] of line.matchAll(/\bmfa-core-(\d+\.\d+\.\d+[\w.-]*?)\.tgz\b/g)) {
      if (version !== VERSION)
        problems.push(`${file}:${index + 1}: ${tarball}, but npm pack writes mfa-core-${VERSION}.tgz`)
    }
  }
  const any = /^```(ts|typescript|js|javascript|cjs)\b[^\n]*\n([\s\S]*?)^```/gm
  for (let match = any.exec(text); match !== null; match = any.exec(text)) {
    for (const [, client] of match[2].matchAll(CLIENT)) {
      // 'error' on the client, or (mysql2's pool) 'error' on each connection the pool opens
      const listener = new RegExp(`\\b${client}\\.on\\(\\s*'(?:error'|connection'[^\\n]*\\.on\\(\\s*'error')`)
      if (!listener.test(match[2])) {
        problems.push(`${file}:${text.slice(0, match.index).split('\n').length}: ${client} has no 'error' listener`)
      }
    }
  }
  const fence = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm
  for (let match = fence.exec(text); match !== null; match = fence.exec(text)) {
    if (match[2].includes('nocheck')) continue
    const line = text.slice(0, match.index).split('\n').length
    const name = `${file.replace(/[/.]/g, '_')}_L${line}.ts`
    writeFileSync(join(out, name), `// ${file}:${line}\n${match[3]}\nexport {}\n`)
    count++
  }
}

const paths = Object.fromEntries(existingEntries().map(([sub, [source]]) => [`mfa-core${sub}`, [`../${source}`]]))
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      types: ['node'],
      typeRoots: ['../node_modules/@types'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      paths,
    },
    include: ['*.ts'],
  }),
)
console.log(`type-checking ${count} code blocks from ${files.length} files`)
const result = spawnSync('npx', ['tsc', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' })
let ok = result.status === 0
if (!ok) console.error(`docs code blocks do not type-check (the generated files are in ${out}/, named file_Lline)`)

const runnable = scripts.filter(([, , reason]) => reason === '')
console.log(`parsing ${scripts.length} js code blocks, running the ${runnable.length} that need no server`)
if (runnable.length > 0 && !existsSync('dist/index.js')) {
  console.error('dist/ is missing: run `npm run build` first (the js blocks run against the built package)')
  ok = false
}
for (const [name, where, reason] of scripts) {
  // inside the repository, `mfa-core` resolves to the package itself (its exports, i.e. dist/)
  const parse = spawnSync(process.execPath, ['--check', name], { cwd: out, encoding: 'utf8' })
  const run =
    parse.status === 0 && reason === ''
      ? spawnSync(process.execPath, [name], { cwd: out, encoding: 'utf8', timeout: 30_000 })
      : null
  if (parse.status !== 0 || (run !== null && run.status !== 0)) {
    console.error(
      `${where}: the js block ${parse.status !== 0 ? 'does not parse' : 'fails when run'}:\n${(run ?? parse).stderr}`,
    )
    ok = false
  }
}
for (const problem of problems) console.error(problem)
if (problems.length > 0) ok = false
// README's runtime table is what `npm run test:runtimes` wrote (scripts/runtimes-table.mjs)
if (spawnSync(process.execPath, ['scripts/runtimes-table.mjs'], { stdio: 'inherit' }).status !== 0) ok = false
if (ok) rmSync(out, { recursive: true, force: true })
process.exit(ok ? 0 : 1)
