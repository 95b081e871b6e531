// A PR world (see test/action/harness.ts) whose model answers pass through a recording proxy, so a
// test can make the model hostile and see every request. The simulator learns its answers from the
// workspace as checked out (the head's dataset), since hostile datasets change the examples.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'vitest';
import { keyFromConfig } from '../../src/tools/simulator/sim-keys.js';
import { startSimulator } from '../../src/tools/simulator/simulator.js';
import { BOT, BOT_TOKEN, PAT_TOKEN, PAT_USER, PR, type World } from '../action/harness.js';
import { type Edits, makePrRepo, pushToPr, removeRepo } from '../action/git-fixture.js';
import { startFakeGitHub } from '../github/fake-github.js';
import { type Decorate, type ModelProxy, type Reject, startModelProxy } from './model-proxy.js';

export type ByteEdits = Record<string, string | Buffer | null>;

export interface ProxiedWorld extends World {
  /** The model endpoint the Action talks to (World.sim.url points here). */
  proxy: ModelProxy;
}

/** Edits may be raw bytes: git-fixture writes them with writeFile, which takes a Buffer as is. */
const asEdits = (edits: ByteEdits | undefined) => edits as Edits | undefined;

export async function proxiedWorld(
  ctx: TestContext,
  opts: { edits: ByteEdits; baseEdits?: ByteEdits; decorate?: Decorate; reject?: Reject },
): Promise<ProxiedWorld> {
  const repo = await makePrRepo({
    edits: asEdits(opts.edits)!,
    ...(opts.baseEdits ? { baseEdits: asEdits(opts.baseEdits)! } : {}),
  });
  const pull = {
    number: PR,
    headSha: repo.headSha,
    baseSha: repo.baseSha,
    headRef: 'feature',
    baseRef: 'main',
    author: { login: 'octocat', id: 583231, type: 'User' as const },
    files: repo.files,
  };
  const fake = await startFakeGitHub({
    tokens: { [BOT_TOKEN]: BOT, [PAT_TOKEN]: PAT_USER },
    pulls: [pull],
    contents: repo.contents,
  });
  const sim = await startSimulator({
    answerKey: await keyFromConfig('.github/lpo.yml', repo.workspace),
    seed: 7,
  });
  const proxy = await startModelProxy(sim.url, opts.decorate, opts.reject);
  const temps: string[] = [];
  const w: ProxiedWorld = {
    repo,
    fake,
    pull,
    push: async (edits) => {
      await pushToPr(repo, edits);
      Object.assign(pull, { headSha: repo.headSha, files: repo.files });
    },
    sim: { ...sim, url: proxy.url },
    proxy,
    temps,
    close: async () => {
      await Promise.all([fake.close(), sim.close(), proxy.close()]);
      await removeRepo(repo);
      for (const temp of temps) await rm(temp, { recursive: true, force: true });
    },
  };
  ctx.onTestFinished(() => w.close());
  return w;
}

/** Writes raw bytes into a checkout (a TempRepo for `lpo review`). */
export async function writeBytes(dir: string, file: string, bytes: string | Buffer): Promise<void> {
  await writeFile(path.join(dir, file), bytes);
}
