// Wall-clock throughput of awaited calls, for the benches that compare async contenders (bench/otp.mjs in Node,
// bench/core-runtime.mjs in Node, Bun and Deno), and of concurrent lanes of calls (bench/storage.mjs,
// bench/login.mjs). Only web-standard globals (performance): it runs everywhere.

/** ops/s of fn over one round: calls awaited one at a time, `batch` between clock reads, for about `roundMs`. */
async function rate(fn, { roundMs, batch }) {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < roundMs) {
    for (let i = 0; i < batch; i++) await fn()
    ops += batch
    elapsed = performance.now() - start
  }
  return (ops / elapsed) * 1000
}

/**
 * Each case's median ops/s over `rounds` rounds. Rounds interleave the cases of a group, so a busy machine slows
 * them all alike.
 */
export async function measureGroup(cases, { rounds, roundMs, batch }) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(cases)) samples[name].push(await rate(fn, { roundMs, batch }))
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, rates]) => [name, rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]]),
  )
}

/**
 * Calls of `fn(lane, input)` over `lanes` concurrent lanes, each awaiting its calls one at a time: about `ops` calls
 * in all, their inputs made by `prepare(lane, n)` before the clocks start. Returns calls per second of wall time and,
 * where the runtime tells (Node's process.cpuUsage), the process's CPU time per call in µs (every thread), which a
 * busy machine disturbs far less.
 */
export async function lanesRun(lanes, ops, prepare, fn) {
  const inputs = await laneInputs(lanes, ops, prepare)
  const calls = inputs.length * inputs[0].length
  const cpu = globalThis.process?.cpuUsage?.()
  const start = performance.now()
  await runLanes(inputs, fn)
  const wall = performance.now() - start
  const used = cpu && globalThis.process.cpuUsage(cpu)
  return { rate: (calls / wall) * 1000, cpuMicros: used ? (used.user + used.system) / calls : Number.NaN }
}

/** Calls per second of {@link lanesRun}. */
export const lanesRate = async (lanes, ops, prepare, fn) => (await lanesRun(lanes, ops, prepare, fn)).rate

/** The inputs of `lanes` lanes, `ops / lanes` each (rounded up), from `prepare(lane, n)`. */
const laneInputs = (lanes, ops, prepare) =>
  Promise.all(Array.from({ length: lanes }, (_, lane) => prepare(lane, Math.ceil(ops / lanes))))

/** Runs each lane's inputs through `fn(lane, input)`, one call at a time per lane, the lanes concurrently. */
async function runLanes(inputs, fn) {
  await Promise.all(
    inputs.map(async (laneInputs, lane) => {
      for (const input of laneInputs) await fn(lane, input)
    }),
  )
}

/** The median of a list of numbers (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
