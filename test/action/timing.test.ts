import { describe, it } from 'vitest';
import { MATH, mathPrompt, runAction, startWorld, PR } from './harness.js';
const regress = (t: string) => t.replace('Work through it step by step', 'Guess the answer quickly');
describe.concurrent('x', () => {
  it('403 on comment', async () => {
    const w = await startWorld({ edits: { [MATH]: regress(await mathPrompt()) }, fake: { failNext: [{ method: 'POST', pathRegex: '/issues/7/comments$', status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '403' } }] } });
    const r = await runAction(w, { inputs: { optimize: 'false' } });
    console.log('403:', r.code, JSON.stringify(r.errors), JSON.stringify(r.warnings), r.summary.length, w.fake.violations, r.stderr.slice(0, 300));
    await w.close();
  }, 60000);
  it('no step summary', async () => {
    const w = await startWorld({ edits: { [MATH]: regress(await mathPrompt()) } });
    const r = await runAction(w, { inputs: { optimize: 'false' }, env: { GITHUB_STEP_SUMMARY: '' } });
    console.log('nosummary:', r.code, JSON.stringify(r.errors).slice(0, 500), w.fake.issueComments(PR).length);
    await w.close();
  }, 60000);
  it('502 on review', async () => {
    const w = await startWorld({ edits: { [MATH]: regress(await mathPrompt()) }, fake: { failNext: [{ method: 'POST', pathRegex: '/pulls/7/reviews$', status: 502, times: 5 }] } });
    const r = await runAction(w, {});
    console.log('502:', r.code, JSON.stringify(r.errors).slice(0, 600), JSON.stringify(r.warnings).slice(0, 600), w.fake.issueComments(PR).length, w.fake.reviews(PR).length);
    await w.close();
  }, 60000);
});
