// Local Prompt Optimization (arXiv 2504.20355) on top of APE, APO (ProTeGi) and PE2: the public API.
export { optimizePrompt } from './search.js';
export { ALPHA, beatsOnDev, MIN_NET_GAIN, MIN_PAIRED_FOR_TEST, type OptimizeArgs } from './search-step.js';
export { spansFor, vsHeadOf } from './result.js';
export type { FileOptimizeResult } from './prompt-yml.js';
export { Budget, type BudgetUse } from './budget.js';
export {
  type Candidate,
  DEFAULT_OPTIONS,
  type OptimizeMethod,
  type OptimizeMode,
  type OptimizeOptions,
  type OptimizeResult,
  type PromptScore,
  type StepReport,
} from './types.js';
