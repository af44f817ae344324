#!/usr/bin/env node
// The docs as they arrive in node_modules: every relative link of the Markdown files in the packed tarball (README,
// docs/*.md, SECURITY.md, CHANGELOG.md) must name a file of the tarball, and an `#anchor` into a Markdown file one
// of its headings (GitHub's slugs). A link to what stays in the repository (examples/, bench/) would break there.
// Usage: node scripts/check-links.mjs PATH/TO/mfa-core-X.tgz
import { spawnSync } from 'node:child_process'
import { posix } from 'node:path'

const tarball = process.argv[2]
if (tarball === undefined) {
  console.error('usage: check-links.mjs TARBALL')
  process.exit(2)
}
const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
if (list.status !== 0) {
  console.error(list.stderr)
  process.exit(1)
}
const files = new Set(list.stdout.split('\n').filter((f) => f.startsWith('package/')))
const read = (file) => spawnSync('tar', ['-xzOf', tarball, file], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, ... */
function anchors(markdown) {
  const seen = new Map()
  const result = new Set()
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '')
  for (const [, heading] of outside.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    result.add(count === 0 ? base : `${base}-${count}`)
  }
  return result
}

const markdown = [...files].filter((f) => f.endsWith('.md'))
const problems = []
let links = 0
for (const file of markdown) {
  // links in code blocks and code spans are examples, not links
  const text = read(file)
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`\n]*`/g, '')
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto:, ...
    links++
    const [path, anchor] = target.split('#')
    const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path))
    const exists = files.has(resolved) || [...files].some((f) => f.startsWith(`${resolved.replace(/\/$/, '')}/`))
    if (!exists) {
      problems.push(`${file.slice('package/'.length)}: ${target} is not in the package`)
      continue
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) {
      problems.push(
        `${file.slice('package/'.length)}: ${target}: no such heading in ${resolved.slice('package/'.length)}`,
      )
    }
  }
}
for (const problem of problems) console.error(problem)
console.log(
  `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${links} relative links in ${markdown.length} Markdown files of the tarball resolve inside it`,
)
process.exit(problems.length === 0 ? 0 : 1)
