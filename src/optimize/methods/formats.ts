// What each optimizer request asks back, in its two modes: a JSON schema (sent as response_format,
// schema name `lpo_<format>`) with a short note, or a plain-text format read by a tolerant parser.
// One format instruction per request: the meta-prompts (prompts/*.md) say what to write, never how.
import { z } from 'zod';

// Root objects, every field required (OpenAI structured outputs reject optional fields).
export const SCHEMAS = {
  reasons: z.object({ reasons: z.array(z.string()) }),
  reflection: z.object({ analysis: z.string(), reasons: z.array(z.string()) }),
  tagged: z.object({ prompt: z.string(), reasons: z.array(z.string()) }),
  edits: z.object({ versions: z.array(z.object({ edits: z.array(z.string()) })) }),
  prompts: z.object({ prompts: z.array(z.string()) }),
};

export type FormatName = keyof typeof SCHEMAS;
export type FormatValue<F extends FormatName> = z.infer<(typeof SCHEMAS)[F]>;

export const JSON_NOTES: Record<FormatName, string> = {
  reasons: 'Reply with a JSON object {"reasons": ["…", …]}, one string per reason.',
  reflection:
    'Reply with a JSON object {"analysis": "…", "reasons": ["…", …]}: "analysis" holds your reasoning for each example, "reasons" one string per edit the prompt needs.',
  tagged:
    'Reply with a JSON object {"prompt": "…", "reasons": ["…", …]}: "prompt" is the whole prompt with your <edit> tags, "reasons" one string per tag, in order.',
  edits:
    'Reply with a JSON object {"versions": [{"edits": ["…", …]}, …]}: one entry per version, each with one string per tag, in order: the new text only, without the tags.',
  prompts: 'Reply with a JSON object {"prompts": ["…", …]}, one string per version: the whole prompt only.',
};

export const TEXT_NOTES: Record<FormatName, string> = {
  reasons: 'Reply with a line "Reasons:" and then a numbered list ("1. …"), one reason per item.',
  reflection:
    'Reply with your reasoning for each example, then a line "Reasons:" and a numbered list ("1. …") of the edits the prompt needs, one per item.',
  tagged:
    'Reply with the tagged prompt between a line "<prompt>" and a line "</prompt>", then a line "Reasons:" and a numbered list ("1. …") with one reason per tag, in order.',
  edits:
    'Reply with each version between a line "<version>" and a line "</version>"; inside it, one <edit>new text</edit> per tag, in order, and nothing else.',
  prompts:
    'Reply with each version between a line "<prompt>" and a line "</prompt>", and nothing else inside.',
};

/** Reading a reply: whether it was cut off (then an unclosed block is lost, not completed). */
export interface TextRead {
  truncated: boolean;
  /** Called for each thing the parser had to put right. */
  repaired: (why: string) => void;
}

/** Every `<open>` … `</open>` block in order; an unclosed last block runs to the end unless truncated. */
export function blocks(text: string, tag: string, read: TextRead): string[] {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const out: string[] = [];
  let at = text.indexOf(open);
  while (at !== -1) {
    const start = at + open.length;
    const end = text.indexOf(close, start);
    const next = text.indexOf(open, start);
    if (end === -1 || (next !== -1 && next < end)) {
      // A forgotten closing tag: the block ends where the next one starts, or at the end of the reply.
      if (read.truncated && next === -1) break;
      read.repaired(`unclosed-${tag}-block`);
      out.push(trimBlock(text.slice(start, next === -1 ? text.length : next)));
      at = next;
      continue;
    }
    out.push(trimBlock(text.slice(start, end)));
    at = text.indexOf(open, end + close.length);
  }
  return out;
}

/** The line breaks right inside a block's tags belong to the markup, not to its content. */
function trimBlock(s: string): string {
  return s.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n[ \t]*$/, '');
}

/** The text after the last line that is a heading such as "Reasons:" (markdown emphasis allowed). */
function afterHeading(text: string): { before: string; after: string } | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[\s#*_]*(?:reasons|edits|changes)[\s*_]*:[\s*_]*$/i.test(lines[i]!)) {
      return { before: lines.slice(0, i).join('\n'), after: lines.slice(i + 1).join('\n') };
    }
  }
  return null;
}

/** Numbered or bulleted items ("1. …", "2) …", "- …"); a cut-off reply's last item may be partial. */
export function listItems(text: string, read: TextRead): string[] {
  const items = text
    .split('\n')
    .map((line) => /^[ \t]*(?:\d{1,3}[.)]|[-*•])[ \t]+(.*\S)/.exec(line)?.[1])
    .filter((s): s is string => s !== undefined)
    .map((s) => s.replace(/^\*\*(.*)\*\*$/, '$1').trim());
  if (read.truncated && items.length > 0) items.pop();
  return items;
}

function reasons(text: string, read: TextRead): FormatValue<'reasons'> | null {
  const list = listItems(afterHeading(text)?.after ?? text, read);
  return list.length > 0 ? { reasons: list } : null;
}

/** PE2 keeps the reasoning whole: everything before the edits list is the analysis. */
function reflection(text: string, read: TextRead): FormatValue<'reflection'> | null {
  if (text.trim() === '') return null;
  const split = afterHeading(text);
  if (!split) return { analysis: text.trim(), reasons: [] };
  return { analysis: split.before.trim(), reasons: listItems(split.after, read) };
}

function tagged(text: string, read: TextRead): FormatValue<'tagged'> | null {
  const open = text.indexOf('<prompt>');
  const close = open === -1 ? -1 : text.indexOf('</prompt>', open);
  if (close !== -1) {
    const rest = text.slice(close);
    return {
      prompt: blocks(text, 'prompt', read)[0]!,
      reasons: listItems(afterHeading(rest)?.after ?? rest, read),
    };
  }
  if (open !== -1 && !read.truncated) {
    // A forgotten `</prompt>`: the tagged prompt ends where the reasons begin.
    read.repaired('unclosed-prompt-block');
    const split = afterHeading(text.slice(open + '<prompt>'.length));
    const prompt = trimBlock(split?.before ?? text.slice(open + '<prompt>'.length));
    return { prompt, reasons: split ? listItems(split.after, read) : [] };
  }
  // No wrapper: the tagged prompt is what comes before the reasons (placed on the parent by lookup).
  // A cut-off reply whose block never closed holds no whole prompt.
  if (!text.includes('<edit>') || open !== -1) return null;
  read.repaired('unwrapped-tagged-prompt');
  const split = afterHeading(text);
  return { prompt: split?.before ?? text, reasons: split ? listItems(split.after, read) : [] };
}

/**
 * Versions of local edits. Without `<version>` blocks, each `<prompt>` block (a whole tagged copy, the
 * older format) or else the whole reply becomes one version holding one string: the local reader
 * (local.ts) then takes it as a whole copy of the prompt, or cuts its tags into versions.
 */
function edits(text: string, read: TextRead): FormatValue<'edits'> | null {
  const versions = blocks(text, 'version', read);
  if (versions.length > 0) return { versions: versions.map((v) => ({ edits: editTags(v, read) })) };
  const copies = blocks(text, 'prompt', read);
  if (copies.length > 0) return { versions: copies.map((c) => ({ edits: [c] })) };
  return text.includes('<edit>') ? { versions: [{ edits: [text] }] } : null;
}

/** The contents of each `<edit>` tag of one version; a last tag left open runs to the block's end. */
function editTags(version: string, read: TextRead): string[] {
  const out: string[] = [];
  let at = version.indexOf('<edit>');
  while (at !== -1) {
    const start = at + '<edit>'.length;
    const end = version.indexOf('</edit>', start);
    const next = version.indexOf('<edit>', start);
    if (end === -1 || (next !== -1 && next < end)) {
      read.repaired('unclosed-edit-tag');
      out.push(version.slice(start, next === -1 ? version.length : next).trim());
      at = next;
    } else {
      out.push(version.slice(start, end));
      at = version.indexOf('<edit>', end);
    }
  }
  return out;
}

function prompts(text: string, read: TextRead): FormatValue<'prompts'> | null {
  const found = blocks(text, 'prompt', read);
  if (found.length > 0) return { prompts: found };
  const fenced = fences(text, read);
  if (fenced.length > 0) read.repaired('fenced-versions');
  return fenced.length > 0 ? { prompts: fenced } : null;
}

/** The contents of each closed ``` fence (an info string such as `text` after the opening fence). */
export function fences(text: string, read: TextRead): string[] {
  const out: string[] = [];
  let inside: string[] | null = null;
  for (const line of text.split('\n')) {
    if (/^[ \t]*```/.test(line)) {
      if (inside === null) inside = [];
      else {
        out.push(inside.join('\n'));
        inside = null;
      }
    } else inside?.push(line);
  }
  if (inside !== null && inside.length > 0 && !read.truncated) {
    read.repaired('unclosed-fence');
    out.push(inside.join('\n'));
  }
  return out;
}

const PARSERS: { [F in FormatName]: (text: string, read: TextRead) => FormatValue<F> | null } = {
  reasons,
  reflection,
  tagged,
  edits,
  prompts,
};

/** A plain-text reply read into its format's value, or null when it holds none. CRLF is read as LF. */
export function fromText<F extends FormatName>(
  format: F,
  text: string,
  read: TextRead,
): FormatValue<F> | null {
  return PARSERS[format](text.replace(/\r\n?/g, '\n'), read);
}
