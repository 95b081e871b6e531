// The commands of a markdown file's ```sh blocks, as a reader would paste them into a shell.

export interface ShCommand {
  /** The command as written, continuation lines joined with their backslash-newline. */
  text: string;
  /** The line of the markdown file the command starts on (1-based), for test names. */
  line: number;
  /** The comment lines right above the command, without their `#`. */
  comment: string;
}

/** Every command of every ```sh (or ```bash / ```shell) block, in order; comment lines are not commands. */
export function shCommands(markdown: string): ShCommand[] {
  const commands: ShCommand[] = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let comment: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      inBlock = !inBlock && /^\s*```(sh|bash|shell)\s*$/.test(line);
      comment = [];
      continue;
    }
    if (!inBlock) continue;
    const trimmed = line.trim();
    if (trimmed === '') {
      comment = [];
      continue;
    }
    if (trimmed.startsWith('#')) {
      comment.push(trimmed.replace(/^#+\s?/, ''));
      continue;
    }
    const start = i;
    let text = line.trimStart();
    while (text.endsWith('\\') && i + 1 < lines.length) text += `\n${lines[++i]}`;
    commands.push({ text, line: start + 1, comment: comment.join(' ') });
    comment = [];
  }
  return commands;
}

/** `npx lpo …`, `npx lpo-review …` or `lpo …`: the CLI itself. */
export const isLpoCommand = (text: string) => /^(npx\s+)?lpo(-review)?(\s|$)/.test(text);

/** The `&&`-joined steps of a plain command, trailing comment dropped, whitespace collapsed. */
export function steps(text: string): string[] {
  return text
    .replace(/\s+#.*$/, '')
    .split('&&')
    .map((step) => step.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}
