// Preloaded with `node --import` into every measured process: on exit, writes its resource usage
// (getrusage: CPU time of all its threads, and peak resident set size) as JSON to the file named by
// $LPO_BENCH_RUSAGE_FILE. Portable where /usr/bin/time is not, and exact where sampling /proc would
// miss a short spike. CPU time is the figure a busy machine disturbs least.
import { writeFileSync } from 'node:fs';

const target = process.env.LPO_BENCH_RUSAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    // Node reports maxRSS in KiB.
    writeFileSync(target, `${JSON.stringify({ cpuMs: Math.round(cpuMs), maxRssKiB: usage.maxRSS })}\n`);
  });
}
