// GitHub Models `.prompt.yml` files: LPO edits the content of ONE message as if it were a text prompt,
// then writes the winner back into the file so that only the lines of that content change. The
// review's suggestion builder turns the file-level difference into line-level suggestion blocks.
import { isDeepStrictEqual } from 'node:util';
import { CST, isScalar, parseDocument, type Scalar } from 'yaml';
import { PROMPT_PLACEHOLDER, placeholdersIn } from '../config/placeholders.js';
import type { ChatMessage, EvalTask } from '../core/types.js';
import type { OptimizeResult } from './types.js';

/** Where a .prompt.yml's optimized message lands in its file. */
export interface PromptFileEdit {
  /** Index in the file's `messages` of the message LPO edited; null when none could be chosen. */
  message: number | null;
  /**
   * The whole suggested file: the original with only that message's content lines replaced, or the
   * original itself when nothing is suggested or the edit could not be mapped back (then `withheld`
   * says why). Null when the caller did not pass the file's text.
   */
  text: string | null;
}

/** A search result for a .prompt.yml: head/best `prompt` are the chosen message's content. */
export type FileOptimizeResult = OptimizeResult & { file?: PromptFileEdit };

export interface ChosenMessage {
  index: number;
  role: ChatMessage['role'];
  /** The same task as a text prompt: the chosen content is {{prompt}}, so the search runs unchanged. */
  task: EvalTask;
}

// Assistant turns are few-shot answers, i.e. data: rewriting them is not prompt optimization.
const EDITABLE_ROLES = new Set<ChatMessage['role']>(['system', 'developer', 'user']);
const BOM = '\uFEFF';

/**
 * The longest placeholder-free system, developer or user message (system first on ties, then the
 * earlier one), or why no message can be optimized. Placeholders are never treated as prompt text.
 */
export function chooseMessage(task: EvalTask): ChosenMessage | { withheld: string } {
  const file = task.promptPath;
  let best: number | null = null;
  task.messages.forEach((m, i) => {
    if (!EDITABLE_ROLES.has(m.role) || m.content.trim() === '' || placeholdersIn(m.content).length > 0)
      return;
    const current = best === null ? null : task.messages[best]!;
    if (
      !current ||
      m.content.length > current.content.length ||
      (m.content.length === current.content.length && m.role === 'system' && current.role !== 'system')
    )
      best = i;
  });
  if (best === null) {
    const why = task.messages.every((m) => placeholdersIn(m.content).length > 0)
      ? 'every message holds {{placeholders}}; LPO edits only placeholder-free messages'
      : 'no system, developer or user message is free of {{placeholders}} and non-empty; LPO edits only such messages';
    return { withheld: `${file}: ${why}` };
  }
  // The derived task fills {{prompt}} with the edited message: a field of that name would be shadowed.
  if (placeholdersIn(...task.messages.map((m) => m.content)).includes(PROMPT_PLACEHOLDER)) {
    return {
      withheld: `${file}: a message uses {{${PROMPT_PLACEHOLDER}}}, the name LPO gives the message it edits; rename that field`,
    };
  }
  const index: number = best;
  const chosen = task.messages[index]!;
  const messages = task.messages.map((m, i) =>
    i === index ? { role: m.role, content: `{{${PROMPT_PLACEHOLDER}}}` } : { ...m },
  );
  return { index, role: chosen.role, task: { ...task, kind: 'text', prompt: chosen.content, messages } };
}

/**
 * Puts the search's result back into the file. The spans stay those of the chosen message; `withheld`
 * gains a reason when the best content cannot be written into the file faithfully.
 */
export function intoPromptFile(
  result: OptimizeResult,
  chosen: ChosenMessage,
  fileText: string | undefined,
): FileOptimizeResult {
  const file = chosen.task.promptPath;
  const out: FileOptimizeResult = { ...result, file: { message: chosen.index, text: fileText ?? null } };
  if (!result.improved) return out;
  let why: string | undefined;
  const added = placeholdersIn(result.best.prompt);
  if (added.length > 0) {
    // The search sent it literally; in the file it would be filled from each row: not what was scored.
    why = `the optimized message holds {{${added[0]}}}, which ${file} would fill from each row`;
  } else if (fileText === undefined) {
    why = `the text of ${file} was not given, so the edit cannot be mapped back into it`;
  } else {
    const mapped = replaceMessageContent(fileText, chosen.index, result.head.prompt, result.best.prompt);
    if (mapped === null) why = `cannot map the edit back into ${file} without reformatting it`;
    else out.file = { message: chosen.index, text: mapped };
  }
  if (why && !out.withheld) out.withheld = why;
  return out;
}

interface Messages {
  messages: { content: string }[];
}

/**
 * `fileText` with `messages[index].content` (currently `expected`) set to `content`, every line outside
 * that content left byte for byte as it was (comments, quoting, indentation, BOM, CRLF); null when no
 * such text could be produced. Tries yaml's own serialiser when it reproduces the file exactly, else
 * re-serialises only the scalar in place. Each result is re-parsed and checked before it is returned.
 */
export function replaceMessageContent(
  fileText: string,
  index: number,
  expected: string,
  content: string,
): string | null {
  const bom = fileText.startsWith(BOM) ? BOM : '';
  const body = fileText.slice(bom.length);
  // Only a file whose every line break is CRLF is normalised: a mixed one would not come back as it was.
  const crlf = body.includes('\r\n') && !/(^|[^\r])\n/.test(body);
  const lf = crlf ? body.replaceAll('\r\n', '\n') : body;
  const doc = parseDocument(lf, { keepSourceTokens: true });
  if (doc.errors.length > 0) return null;
  const node = doc.getIn(['messages', index, 'content'], true);
  if (!isScalar(node) || node.value !== expected || !node.range) return null;
  const want = doc.toJS() as Messages;
  want.messages[index]!.content = content;
  const [start, valueEnd] = node.range;
  const faithful = (text: string): string | null => {
    if (!keepsOtherLines(lf, text, start, valueEnd)) return null;
    const restored = crlf ? text.replaceAll('\n', '\r\n') : text;
    const again = parseDocument(restored);
    return again.errors.length === 0 && isDeepStrictEqual(again.toJS(), want) ? bom + restored : null;
  };
  const whole = viaDocument(doc, node, lf, content);
  return (whole === null ? null : faithful(whole)) ?? viaScalarToken(node, lf, content, faithful);
}

/** yaml's whole-document output, when it reproduces the unedited file exactly; else null. */
function viaDocument(doc: ReturnType<typeof parseDocument>, node: Scalar, lf: string, content: string) {
  const finalNewline = lf.endsWith('\n');
  const render = () => {
    const text = doc.toString({ lineWidth: 0 });
    return finalNewline ? text : text.replace(/\n$/, '');
  };
  if (render() !== lf) return null;
  const old = node.value;
  node.value = content;
  try {
    return render();
  } finally {
    node.value = old;
  }
}

/** Replaces only the scalar's own source (value plus its same-line comment), keeping its style if it can. */
function viaScalarToken(
  node: Scalar,
  lf: string,
  content: string,
  faithful: (text: string) => string | null,
): string | null {
  const token = node.srcToken;
  if (!token || !('offset' in token)) return null;
  const source = CST.stringify(token);
  if (lf.slice(token.offset, token.offset + source.length) !== source) return null;
  const types: Scalar.Type[] = [];
  if (node.type) types.push(node.type);
  // A plain scalar cannot hold every string ("True" would read as a boolean): quoting is the next least change.
  if (!node.type || node.type === 'PLAIN') types.push('QUOTE_DOUBLE');
  for (const type of types) {
    const copy = structuredClone(token);
    CST.setScalarValue(copy, content, { afterKey: true, type });
    const text = lf.slice(0, token.offset) + CST.stringify(copy) + lf.slice(token.offset + source.length);
    const done = faithful(text);
    if (done !== null) return done;
  }
  return null;
}

/** Whether `text` keeps every line of `lf` before the scalar's first line and after its last one. */
function keepsOtherLines(lf: string, text: string, start: number, valueEnd: number): boolean {
  const head = lf.slice(0, lf.lastIndexOf('\n', start - 1) + 1);
  const nl = lf.indexOf('\n', Math.max(start, valueEnd - 1));
  const tail = nl < 0 ? '' : lf.slice(nl + 1);
  return text.length >= head.length + tail.length && text.startsWith(head) && text.endsWith(tail);
}
