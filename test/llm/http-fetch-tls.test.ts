import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/llm/http-fetch.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { completion } from './helpers/fake-openai.js';

// A self-signed certificate for 127.0.0.1 (see test/fixtures/tls/README.md).
const TLS = path.join(ROOT, 'test', 'fixtures', 'tls');
const cert = readFileSync(path.join(TLS, 'localhost.crt'));
const key = readFileSync(path.join(TLS, 'localhost.key'));

let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  server = createServer({ cert, key }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion('The answer is 18.')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  dir = await mkdtemp(path.join(tmpdir(), 'lpo-tls-'));
  await writeFile(path.join(dir, 'prompt.txt'), 'Solve it.');
  // Two real GSM8K questions (MIT), shortened; the server answers 18 to both.
  const rows = [
    { question: 'Janet’s ducks lay 16 eggs per day…', answer: '#### 18' },
    { question: 'A robe takes 2 bolts of blue fiber…', answer: '#### 3' },
  ];
  await writeFile(path.join(dir, 'data.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const evalArgs = () => [
  'eval',
  '--prompt',
  'prompt.txt',
  '--dataset',
  'data.jsonl',
  '--input',
  'question',
  '--target',
  'answer',
  '--scorer',
  'numeric',
  '--no-cache',
  '--base-url',
  base,
  '--api-key',
  'sk-tls-test',
  '--task-model',
  'm',
];

describe('https endpoints', () => {
  it('verifies the server certificate: a self-signed one is refused', async () => {
    const error = await httpFetch()(`${base}/chat/completions`, { method: 'POST', body: '{}' }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('lpo eval talks to an https endpoint whose CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const trusted = await runCli(evalArgs(), {
      cwd: dir,
      env: { NODE_EXTRA_CA_CERTS: path.join(TLS, 'localhost.crt') },
    });
    expect(trusted.stderr).not.toMatch(/error/i);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/usage: 2 calls/);
    expect(trusted.stdout).toMatch(/^(dev|test)\s+1\s+1\s+0\s+100\.0 %/m);

    // The SDK retries connection errors (0.5 + 1 + 2 + 4 s of backoff) before the run gives up.
    const untrusted = await runCli(evalArgs(), { cwd: dir });
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/connection failed .*self[- ]signed certificate/);
  });
});
