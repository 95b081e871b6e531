// Preloaded into the Action's process (NODE_OPTIONS=--require): writes its peak resident memory, in
// kilobytes, to $LPO_RSS_FILE when it exits, so a test can see what a run took.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.LPO_RSS_FILE) writeFileSync(process.env.LPO_RSS_FILE, String(process.resourceUsage().maxRSS));
});
