import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { packageAliases } from './entries.mjs'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium.mjs'

const CHROMIUM = CHROMIUM_PATH
// Property runs: a quick default, a bigger one in CI (same assertions, more cases).
process.env.FC_NUM_RUNS ??= process.env.CI ? '1000' : '200'

/**
 * The test tree mirrors src/ (a test of src/totp.ts is test/totp*.test.ts, of src/qr/svg.ts test/qr/svg*.test.ts).
 * Those suites must pass identically against src/, the built dist/ and, unless Node-only (`*.node.test.ts`: they
 * spawn a binary or read files), in the browser. The cross-cutting folders run elsewhere or their own way: real
 * servers (storage, its own config), every runtime (runtimes, a script), a real browser (e2e), the CLI and the
 * package's CJS build (cli, dist).
 */
const CROSS_CUTTING = [
  'test/storage/**',
  'test/runtimes/**',
  'test/e2e/**',
  'test/support/**',
  'test/cli/**',
  'test/dist/**',
]
const PORTABLE = ['test/**/*.test.ts']

const browserWanted = process.env.MFA_BROWSER !== '0'
const browserAvailable = existsSync(CHROMIUM)

export default defineConfig({
  test: {
    // One file per core. Vitest's default keeps a core for itself, which on a 2-core machine ran one file at a time,
    // while the slow suites mostly wait on a child process (the bin, zbarimg, tmux) or a browser.
    maxWorkers: availableParallelism(),
    projects: [
      {
        resolve: { alias: packageAliases('src') },
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/runtimes/**', 'test/storage/**', 'test/dist/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias: packageAliases('dist') },
        test: {
          name: 'dist',
          include: [...PORTABLE, 'test/dist/**/*.test.ts'],
          // the terminal demo's suite runs `node examples/demo.mjs`, which imports the built package whichever
          // project runs the suite: once (in the node project) is the same test
          exclude: [
            ...CROSS_CUTTING.filter((folder) => folder !== 'test/dist/**'),
            'test/examples/demo-terminal.node.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      ...(browserWanted && browserAvailable
        ? [
            {
              resolve: { alias: packageAliases('dist') },
              optimizeDeps: { include: ['fast-check'] },
              test: {
                name: 'chromium',
                include: PORTABLE,
                exclude: [...CROSS_CUTTING, 'test/**/*.node.test.ts'],
                testTimeout: 60_000,
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({
                    launchOptions: {
                      executablePath: CHROMIUM,
                      args: CHROMIUM_ARGS,
                    },
                  }),
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]
        : []),
    ],
    // Coverage of src/ by the node project. The SQL and Redis adapters and the conformance suite are exercised
    // against real servers by vitest.storage.config.ts, which measures (and gates) them itself.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/index.ts', 'src/storage/**', 'src/testing/**'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { branches: 95, lines: 95, functions: 95, statements: 95 },
    },
  },
})
