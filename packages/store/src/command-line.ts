/*
 * The command line of the two executables, `vip-presence-server` and `vip-presence-gc`: `--help`
 * and `--version`, nothing else (their settings are environment variables). The variables `--help`
 * lists are the rows of the package README's table, which ships in the package and which each
 * package's tests check against its code: one source for the README and the help.
 */
import { readFileSync } from 'node:fs';

/** What an executable is asked for on its command line. */
export type Command = 'run' | 'help' | 'version';

/** The command of `args` (the arguments after the executable's name), or the one not understood. */
export function parseArguments(
  args: readonly string[],
): { command: Command } | { unknown: string } {
  let command: Command = 'run';
  for (const arg of args) {
    const asked = ARGUMENTS[arg];
    if (!asked || command !== 'run') return { unknown: arg };
    command = asked;
  }
  return { command };
}

const ARGUMENTS: Record<string, Command | undefined> = {
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
  '-v': 'version',
};

/** One row of a README's table of environment variables, as plain text. */
export interface DocumentedVariable {
  name: string;
  default: string;
  meaning: string;
}

/**
 * The rows of the first Markdown table of `markdown` whose first column is headed `variable`, with
 * their `default` and `meaning` cells as plain text.
 */
export function documentedVariables(markdown: string): DocumentedVariable[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^\|\s*variable\s*\|/.test(line));
  if (start < 0) return [];
  const header = cells(lines[start] ?? '');
  const cell = (row: string[], name: string) => plain(row[header.indexOf(name)] ?? '');
  const rows: DocumentedVariable[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const row = cells(line);
    rows.push({
      name: plain(row[0] ?? ''),
      default: cell(row, 'default'),
      meaning: cell(row, 'meaning'),
    });
  }
  return rows;
}

/** The cells of a Markdown table row (a `\|` inside a cell is no separator). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * Markdown inline text as plain text: code spans without their backticks, a link to a section of
 * the README as its title "in the README", another link as its text and address.
 */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\(#[^)]*\)/g, '"$1" in the README')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
    .replaceAll('`', '')
    .replaceAll('\\|', '|')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

/** What `--help` and `--version` tell of the package an executable ships in. */
export interface ExecutablePackage {
  /** The executable's name, as `bin` of its package.json names it. */
  bin: string;
  version: string;
  description: string;
  /** The package's README, whose table of environment variables `--help` lists. */
  readme: string;
  /** Where the documentation is: the package's `homepage`, and its README where it is installed. */
  docs: string[];
}

/** Reads the package whose root folder is `root` (`new URL('../', import.meta.url)` in dist/). */
export function readExecutablePackage(bin: string, root: URL): ExecutablePackage {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    name: string;
    version: string;
    description?: string;
    homepage?: string;
  };
  const readme = new URL('README.md', root);
  return {
    bin,
    version: manifest.version,
    description: manifest.description ?? manifest.name,
    readme: readFileSync(readme, 'utf8'),
    docs: [...(manifest.homepage ? [manifest.homepage] : []), readme.href],
  };
}

/**
 * `--help`: what the executable is, how to call it, every environment variable of its README's
 * table with its default and meaning, and where the documentation is.
 */
export function helpText({ bin, version, description, readme, docs }: ExecutablePackage): string {
  const variables = documentedVariables(readme);
  const width = Math.max(...variables.map((v) => v.name.length));
  return [
    `${bin} ${version}: ${description}`,
    '',
    `Usage: ${bin}              start, configured by the environment variables below`,
    `       ${bin} --help       this text`,
    `       ${bin} --version    its version`,
    '',
    'Each variable is checked at start: a bad value exits 1 with one line that names it.',
    '',
    'Environment variables (name, default, then meaning):',
    ...variables.map(
      (v) => `  ${v.name.padEnd(width)}  ${v.default}\n${wrap(v.meaning, '      ')}`,
    ),
    '',
    'Documentation:',
    ...docs.map((doc) => `  ${doc}`),
    '',
  ].join('\n');
}

/** The line an argument that is not understood gets on stderr, before exit 2. */
export function usageLine(bin: string, unknown: string): string {
  return `${bin}: unknown argument "${unknown}"; usage: ${bin} [--help | --version] (settings are environment variables: see ${bin} --help)\n`;
}

/** What to print, where, and the exit code, for a command line that asks for more than a run. */
export interface CommandLineAnswer {
  exitCode: 0 | 2;
  stdout?: string;
  stderr?: string;
}

/** The answer to `args`; undefined when they ask for a run (no arguments). */
export function answerCommandLine(
  args: readonly string[],
  read: () => ExecutablePackage,
): CommandLineAnswer | undefined {
  const parsed = parseArguments(args);
  if ('unknown' in parsed) return { exitCode: 2, stderr: usageLine(read().bin, parsed.unknown) };
  if (parsed.command === 'help') return { exitCode: 0, stdout: helpText(read()) };
  if (parsed.command === 'version') return { exitCode: 0, stdout: `${read().version}\n` };
  return undefined;
}

/**
 * The executables' first step: answers `--help`, `--version` or an argument not understood, and
 * exits once the answer is written; returns when there is nothing to answer (start as usual).
 */
export async function handleCommandLine(bin: string, root: URL): Promise<void> {
  const answer = answerCommandLine(process.argv.slice(2), () => readExecutablePackage(bin, root));
  if (!answer) return;
  const write = (stream: NodeJS.WriteStream, text: string | undefined) =>
    new Promise<void>((resolve) => (text ? stream.write(text, () => resolve()) : resolve()));
  await write(process.stdout, answer.stdout);
  await write(process.stderr, answer.stderr);
  process.exit(answer.exitCode);
}
