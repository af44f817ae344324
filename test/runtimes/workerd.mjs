// Launcher for Cloudflare workerd (npm `workerd`): bundles workerd-entry.mjs with esbuild into one ES module worker,
// writes a config next to it and runs `workerd test`, then prints the suite's one line.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { report } from './conformance.mjs'

// Not later than the workerd build (1.20261117.x accepts dates up to 2026-11-17).
const COMPATIBILITY_DATE = '2026-11-01'

const require = createRequire(import.meta.url)
const bin = require.resolve('workerd/bin/workerd')
const dir = mkdtempSync(join(tmpdir(), 'mfa-core-workerd-'))
try {
  await build({
    entryPoints: [fileURLToPath(new URL('./workerd-entry.mjs', import.meta.url))],
    outfile: join(dir, 'worker.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'error',
  })
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "conformance", worker = .worker)],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.mjs")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`,
  )
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const test = spawnSync(bin, ['test', join(dir, 'config.capnp')], { encoding: 'utf8', timeout: 120_000 })
  const output = `${test.stdout}\n${test.stderr}`
  const marker = /@@conformance (\{.*\})/.exec(output)
  if (marker === null) {
    console.error(output.trim())
    console.error(`workerd test exited ${test.status ?? test.signal} without a result`)
    process.exit(1)
  }
  report('workerd', version.replace(/^workerd/, 'workerd'), JSON.parse(marker[1]))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
