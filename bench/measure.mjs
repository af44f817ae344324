// Wall-clock throughput of awaited calls, for the benches that compare async contenders (bench/otp.mjs in Node,
// bench/core-runtime.mjs in Node, Bun and Deno). Only web-standard globals (performance): it runs everywhere.

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
