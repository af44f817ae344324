// Debian's Chromium, as every browser suite here launches it (vitest browser mode, the demo e2e test, the runtime
// matrix). Without the background-networking flags Chromium keeps dialling out of this closed network.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
