// How the simulator answers a task request, apart from the HTTP server around it.
import { SIMULATOR_FINGERPRINT } from '../../llm/client.js';
import { AnswerKey } from './sim-answer-key.js';
import { DEFAULT_SCENARIO, type Scenario, simulateAnswer, simulateJson } from './sim-model.js';
import { parseChatRequest, type SimRequest } from './sim-request.js';

// Assistant turns (few-shot answers) are not where the example under test lives.
const ASKED_ROLES = new Set(['system', 'developer', 'user']);

/** A request as the simulator reads it, for simulatedTaskAnswer. */
export interface TaskRequest {
  model: string;
  messages: { role: string; content: string }[];
  /** The `response_format` sent, if any (as in the request body). */
  response_format?: unknown;
  /** Sampling as sent: a seed varies the answer at temperature > 0 (OpenAI's default, 1, when absent). */
  temperature?: number;
  seed?: number;
}

export interface Answered {
  text: string;
  category: 'optimizer' | 'judge' | 'pairwise' | 'task' | 'unknown';
  correct: boolean;
  /** The dataset input the request was found to be about. */
  input: string | null;
}

export function taskAnswer(key: AnswerKey, seed: number, scenario: Scenario, request: SimRequest): Answered {
  const asked = request.messages.filter((m) => ASKED_ROLES.has(m.role));
  const requestText = asked.map((m) => m.content).join('\n');
  const lastUser = asked.findLast((m) => m.role === 'user')?.content ?? '';
  const found = key.find(lastUser) ?? key.find(requestText);
  const sampling = { seed: request.seed, temperature: request.temperature };
  const args = { seed, model: request.model, scenario, requestText, key: found, sampling };
  const format = request.responseFormat;
  const result = format.type === 'text' ? simulateAnswer(args) : simulateJson(args, format.schema);
  return {
    text: result.text,
    category: found ? 'task' : 'unknown',
    correct: result.correct,
    input: found?.input ?? null,
  };
}

/**
 * The answer a fault-free simulator with these options gives to a task request, and whether sim-model's
 * rule counts it correct: the ground truth a test compares an evaluation against. Pure (no server).
 */
export function simulatedTaskAnswer(
  opts: { seed?: number; scenario?: Scenario; answerKey?: { input: string; target: string }[] },
  request: TaskRequest,
): { text: string; correct: boolean; input: string | null } {
  const parsed = parseChatRequest(request);
  const { text, correct, input } = taskAnswer(
    new AnswerKey(opts.answerKey ?? []),
    opts.seed ?? 0,
    opts.scenario ?? DEFAULT_SCENARIO,
    parsed,
  );
  return { text, correct, input };
}

/** Token counts the simulator reports: about four characters a token. */
export function tokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export type ChatMessage = { content: string | null; refusal: string | null };

/** A chat completion in OpenAI's shape, with usage from character counts. */
export function completionBody(id: string, request: SimRequest, message: ChatMessage, finishReason: string) {
  const promptChars = request.messages.reduce((sum, m) => sum + m.content.length, 0);
  const usage = {
    prompt_tokens: tokens(promptChars),
    completion_tokens: tokens(message.content?.length ?? 0),
  };
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: SIMULATOR_FINGERPRINT,
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}
