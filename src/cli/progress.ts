/**
 * Progress on stderr, so stdout stays clean for tables and pipes. On a terminal the line is redrawn in
 * place; elsewhere (CI logs) a line is written at every 10 % so logs stay short.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1;
  const started = Date.now();
  return {
    update(done: number, total: number) {
      if (total === 0) return;
      if (stream.isTTY) {
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        stream.write(`\r${label}: ${done}/${total} (${secs} s)${done === total ? '\n' : ''}`);
        return;
      }
      const decile = Math.floor((done / total) * 10);
      if (decile !== lastDecile && (decile > lastDecile || done === total)) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
  };
}
