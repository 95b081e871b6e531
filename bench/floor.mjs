// The floor: the least a client can do for the same job. It reads the same JSONL file, builds the
// same request bodies as `lpo eval`, and sends them with a fixed pool of workers over global fetch.
// No SDK, no retries, no scoring beyond reading the answer. Spawned as its own process by run.mjs,
// which times it from spawn to exit.
//
//   node bench/floor.mjs --url http://127.0.0.1:PORT/v1 --dataset data.jsonl --concurrency 16
// Prints one JSON line: {calls, failed, promptTokens, completionTokens, maxInFlight}.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { API_KEY, requestBody } from './lib/data.mjs';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    dataset: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
  },
});
if (!values.url || !values.dataset) {
  process.stderr.write(
    'usage: node bench/floor.mjs --url <base url> --dataset <file.jsonl> [--concurrency n]\n',
  );
  process.exit(2);
}

const rows = (await readFile(values.dataset, 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const endpoint = `${values.url}/chat/completions`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
const totals = { calls: 0, failed: 0, promptTokens: 0, completionTokens: 0, maxInFlight: 0 };
let inFlight = 0;
let next = 0;

async function worker() {
  while (next < rows.length) {
    const row = rows[next++];
    inFlight++;
    totals.maxInFlight = Math.max(totals.maxInFlight, inFlight);
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(requestBody(row.question)),
      });
      const body = await response.json();
      const content = body?.choices?.[0]?.message?.content;
      if (!response.ok || typeof content !== 'string') totals.failed++;
      totals.calls++;
      totals.promptTokens += body?.usage?.prompt_tokens ?? 0;
      totals.completionTokens += body?.usage?.completion_tokens ?? 0;
    } catch {
      totals.failed++;
    } finally {
      inFlight--;
    }
  }
}

const concurrency = Math.max(1, Number(values.concurrency));
await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
process.stdout.write(`${JSON.stringify(totals)}\n`);
