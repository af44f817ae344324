// Launcher for Vercel's edge-runtime (npm `edge-runtime`): bundles edge-entry.mjs as an IIFE script, evaluates it in
// an EdgeVM (a Node vm context with the edge primitives: WebCrypto, fetch, streams, no require or process) and
// prints the suite's one line.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { report } from './conformance.mjs'

const require = createRequire(import.meta.url)
const versionOf = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version
const version = `edge-runtime ${versionOf('edge-runtime')} (@edge-runtime/vm ${versionOf('@edge-runtime/vm')})`
const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./edge-entry.mjs', import.meta.url))],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'error',
})
const runtime = new EdgeRuntime()
if (runtime.evaluate('typeof require + typeof process') !== 'undefinedundefined') {
  console.error('the EdgeVM exposes require or process: not an edge environment')
  process.exit(1)
}
runtime.evaluate(bundle.outputFiles[0].text)
const json = await runtime.evaluate('globalThis.__conformance')
report('edge-runtime', version, JSON.parse(json))
