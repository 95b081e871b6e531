// Preloaded with `node --import` into a measured process: on exit, writes the kernel's peak resident
// set size (getrusage ru_maxrss, which Node reports in KiB) to the file in $LPO_BENCH_RSS_FILE.
// Portable where /usr/bin/time is not, and exact where sampling /proc would miss a short spike.
import { writeFileSync } from 'node:fs';

const target = process.env.LPO_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, `${process.resourceUsage().maxRSS}\n`);
  });
}
