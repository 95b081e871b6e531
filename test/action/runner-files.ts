// What the runner reads back from a step: workflow commands on stdout (`::error::…`, escaped as
// @actions/core escapes them) and the GITHUB_OUTPUT file command.

export interface WorkflowCommand {
  command: string;
  message: string;
}

const unescapeData = (s: string) => s.replaceAll('%0A', '\n').replaceAll('%0D', '\r').replaceAll('%25', '%');

export function workflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z][\w-]*)(?: [^:]*)?::(.*)$/.exec(line);
    if (match) commands.push({ command: match[1]!, message: unescapeData(match[2]!) });
  }
  return commands;
}

/** GITHUB_OUTPUT's file-command format: `name<<DELIMITER\nvalue\nDELIMITER` per output. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: no closing ${heredoc[2]} for ${heredoc[1]}`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i]!.includes('=')) {
      const [name, ...value] = lines[i]!.split('=');
      outputs[name!] = value.join('=');
    }
  }
  return outputs;
}
