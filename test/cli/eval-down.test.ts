// `lpo eval` against an endpoint that is down: one clear error after the first requests' retries,
// instead of every example's full backoff (38 examples took 34 s). Counted in connections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const DATASET = path.join(ROOT, 'test', 'llm', 'fixtures', 'gsm8k-test-40.jsonl');
let dir: string;
let dropper: Server;
let connections = 0;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const evalArgs = (port: number) => [
  'eval',
  '--prompt',
  path.join(dir, 'math.txt'),
  '--dataset',
  DATASET,
  '--input',
  'question',
  '--target',
  'answer',
  '--scorer',
  'numeric',
  '--no-cache',
  '--task-model',
  'm',
  '--base-url',
  `http://127.0.0.1:${port}/v1`,
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lpo-down-'));
  writeFileSync(path.join(dir, 'math.txt'), 'Solve the problem.\n');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => dropper?.close(r));
});

describe('lpo eval against a down endpoint', () => {
  it('stops after the first requests failed to connect, with one error line', async () => {
    // Accepts and drops every connection: each attempt is one connection, so they can be counted.
    dropper = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const dropPort = await listen(dropper);
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise((r) => closed.close(r));

    const [dropped, refused] = await Promise.all([
      runCli(evalArgs(dropPort), { cwd: dir }),
      runCli(evalArgs(closedPort), { cwd: dir }),
    ]);

    // Concurrency 8, 4 retries: the first wave of 8 requests × 5 attempts, not 40 × 5.
    expect(connections).toBe(8 * 5);
    for (const [res, code] of [
      [dropped, 'ECONNRESET'],
      [refused, 'ECONNREFUSED'],
    ] as const) {
      expect(res.code, res.stderr).toBe(3);
      // stderr also carries the progress lines ("math.txt: 8/40").
      const lines = res.stderr.split('\n').filter((l) => /error/i.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^error: evaluation could not run for .*math\\.txt: .*connection failed.*${code}`),
      );
      // Only the first wave was sent: 8 failed calls for 40 errored examples.
      expect(res.stdout).toMatch(/0 calls, .* 8 failed calls/);
      expect(res.stdout).toMatch(/the rest are not sent/);
    }
  }, 60_000);
});
