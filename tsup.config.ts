import { defineConfig } from 'tsup'
import { existingEntries } from './entries.mjs'

const entry = Object.fromEntries(
  existingEntries().map(([, [source, built]]) => [built.slice('dist/'.length), source]),
)

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  minify: false,
})
