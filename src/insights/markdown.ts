/**
 * The small Markdown of text tiles as HTML: headings, lists, paragraphs, **bold**, *italic*,
 * `code` and [links](https://…). Everything is escaped first, so a text tile cannot inject markup.
 * Node-free: the web UI renders text tiles with it too.
 */
const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inline(s: string): string {
  return escape(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" rel="noopener noreferrer">$1</a>');
}

/**
 * `topLevel`: the HTML level of a `#` heading, so headings follow the page's own (`##` one
 * below): 3 under a tile's or a panel's h2, 2 where the text is the page's body under its h1.
 */
export function markdownToHtml(text: string, topLevel = 3): string {
  const out: string[] = [];
  let list = false;
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(inline).join(' ')}</p>`);
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (!item && list) {
      out.push('</ul>');
      list = false;
    }
    if (heading) {
      flush();
      const level = heading[1].length + topLevel - 1;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
    } else if (item) {
      flush();
      if (!list) {
        out.push('<ul>');
        list = true;
      }
      out.push(`<li>${inline(item[1])}</li>`);
    } else if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  if (list) out.push('</ul>');
  return out.join('\n');
}
