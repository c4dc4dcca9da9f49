/**
 * tsdoc writes Go doc text as a TSDoc block at `indent`: one line per
 * line of text, `*\/` defused, blank lines kept, and nothing for empty
 * text. Go's indented code lines (a tab) stay indented by two spaces.
 */
export function tsdoc(text: string | undefined, indent = ''): string {
  const lines = (text ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\*\//g, '*\\/')
    .split('\n')
    .map((l) => l.replace(/^\t+/, (tabs) => '  '.repeat(tabs.length)).trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *\n` : `${indent} * ${l}\n`)).join('')}${indent} */\n`;
}

/** joinDoc joins doc paragraphs, leaving out the empty ones. */
export function joinDoc(...parts: (string | undefined)[]): string | undefined {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return kept.length > 0 ? kept.join('\n\n') : undefined;
}
