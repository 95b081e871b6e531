// Local Prompt Optimization (arXiv 2504.20355) on top of APE, APO (ProTeGi) and PE2: the public API.
export { optimizePrompt } from './search.js';
export type { OptimizeArgs } from './search-step.js';
export { ALPHA, oneSidedSignTest, stepLevel, testOnValidation } from './accept.js';
export { spansFor, vsHeadOf } from './result.js';
export type { FileOptimizeResult } from './prompt-yml.js';
export { Budget } from './budget.js';
export {
  type BudgetUse,
  type Candidate,
  DEFAULT_OPTIONS,
  type OptimizeMethod,
  type OptimizeMode,
  type OptimizeOptions,
  type OptimizeResult,
  type PromptScore,
  type SearchPlan,
  type SearchStrategy,
  type StepPlan,
  type StepReport,
} from './types.js';
