const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;

/**
 * An API error in the CLI's terms. The CLI sends its options as the query string of a request,
 * so a refused query parameter is the option of the same name: `Invalid query: format: …`
 * reads `--format: …`. Other messages are left as they are.
 */
export function cliWording(message: string): string {
  const query = /^Invalid query: ([\s\S]*)$/.exec(message);
  if (!query) return message;
  return query[1]
    .split('; ')
    .map((issue) =>
      issue.replace(/^([A-Za-z]\w*)(?:\.\w+)*: /, (whole, name: string) =>
        name === 'query' ? whole : `${flag(name)}: `,
      ),
    )
    .join('; ');
}
