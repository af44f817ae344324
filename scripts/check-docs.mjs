#!/usr/bin/env node
// Type-checks every ```ts code block of README.md and docs/*.md against the package's sources, under the names
// users import (`mfa-core`, `mfa-core/qr`, ...). A block is a module: top-level await and `declare const` work.
// A block fenced ```ts nocheck is skipped (for deliberate counter-examples); say why next to it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { existingEntries } from '../entries.mjs'

const out = `.docs-check-${process.pid}`
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
for (const file of files) {
  const text = readFileSync(file, 'utf8')
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
if (result.status === 0) rmSync(out, { recursive: true, force: true })
else console.error(`docs code blocks do not type-check (the generated files are in ${out}/, named file_Lline)`)
process.exit(result.status ?? 1)
