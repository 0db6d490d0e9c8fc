import { describe, expect, it } from 'vitest';
import {
  answerCommandLine,
  documentedVariables,
  helpText,
  parseArguments,
  type ExecutablePackage,
} from '../../src/index.js';

const README = `# x

Some text | not a table.

| variable   | option | default          | meaning                                                      |
| ---------- | ------ | ---------------- | ------------------------------------------------------------ |
| \`PORT\`     | —      | \`3000\`           | the port (\`0\`: a free port); see [HTTP](#http)                 |
| \`MODE\`     | \`mode\` | \`a\` on X, else \`b\` | \`a\` \\| \`b\`: see [the docs](https://example.com/docs) |

| variable | default | meaning |
| -------- | ------- | ------- |
| \`OTHER\` | 1       | another table's |
`;

const PACKAGE: ExecutablePackage = {
  bin: 'tool',
  version: '1.2.3',
  description: 'a tool',
  readme: README,
  docs: ['file:///opt/tool/README.md'],
};

describe('the command line of the executables', () => {
  it.each([
    [[], { command: 'run' }],
    [['--help'], { command: 'help' }],
    [['-h'], { command: 'help' }],
    [['--version'], { command: 'version' }],
    [['-v'], { command: 'version' }],
    [['--port', '3000'], { unknown: '--port' }],
    [['--help', '--version'], { unknown: '--version' }],
    [['run'], { unknown: 'run' }],
  ])('should read %j as %j', (args, parsed) => {
    expect(parseArguments(args)).toEqual(parsed);
  });

  it("should read the first variables table's rows as plain text", () => {
    expect(documentedVariables(README)).toEqual([
      {
        name: 'PORT',
        default: '3000',
        meaning: 'the port (0: a free port); see "HTTP" in the README',
      },
      {
        name: 'MODE',
        default: 'a on X, else b',
        meaning: 'a | b: see the docs (https://example.com/docs)',
      },
    ]);
  });

  it('should list every variable with its default, then its meaning, and the docs, in --help', () => {
    expect(helpText(PACKAGE)).toContain(
      [
        '  PORT  3000',
        '      the port (0: a free port); see "HTTP" in the README',
        '  MODE  a on X, else b',
        '      a | b: see the docs (https://example.com/docs)',
        '',
        'Documentation:',
        '  file:///opt/tool/README.md',
      ].join('\n'),
    );
  });

  it('should answer --version on stdout, an unknown argument on stderr with exit 2, and nothing to run', () => {
    const read = () => PACKAGE;
    expect(answerCommandLine(['--version'], read)).toEqual({ exitCode: 0, stdout: '1.2.3\n' });
    expect(answerCommandLine(['--nope'], read)).toEqual({
      exitCode: 2,
      stderr: expect.stringMatching(
        /^tool: unknown argument "--nope"; usage: tool \[--help \| --version\]/,
      ),
    });
    expect(answerCommandLine([], read)).toBeUndefined();
  });
});
