/**
 * Test support: checks that generated SVG is well-formed XML (with sax, a real parser) and that HTML has balanced
 * tags, and collects the things a broken chart typically leaks (NaN, undefined, Infinity, null).
 */
import sax from 'sax';

export interface MarkupIssues {
  errors: string[];
  /** Element names in document order. */
  elements: string[];
}

const LEAKS = /\b(NaN|undefined|Infinity|null)\b/;

/** Parses SVG as strict XML; reports parse errors, leaked non-numbers in attributes or text, and a missing viewBox. */
export function checkSvg(svg: string): MarkupIssues {
  const errors: string[] = [];
  const elements: string[] = [];
  const parser = sax.parser(true, {});
  parser.onerror = (e) => {
    errors.push(`xml: ${e.message.split('\n')[0]}`);
    parser.resume();
  };
  let first = true;
  parser.onopentag = (node) => {
    elements.push(node.name);
    if (first && (node.name !== 'svg' || node.attributes.viewBox === undefined)) errors.push('root is not an <svg> with a viewBox');
    first = false;
    for (const [k, v] of Object.entries(node.attributes)) if (LEAKS.test(String(v))) errors.push(`<${node.name} ${k}="${String(v)}">`);
  };
  parser.ontext = (t) => {
    if (LEAKS.test(t)) errors.push(`text: ${t.trim().slice(0, 80)}`);
  };
  parser.write(svg).close();
  if (first) errors.push('no elements');
  return { errors, elements };
}

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'area', 'base', 'wbr', 'source']);

/**
 * Balanced-tag check for our HTML (void elements excepted, self-closing SVG elements allowed), plus every inline
 * <svg> checked as XML.
 */
export function checkHtml(html: string): MarkupIssues {
  const errors: string[] = [];
  const elements: string[] = [];
  const stack: string[] = [];
  const body = html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>').replace(/<!doctype[^>]*>/i, '');
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
  for (const m of body.matchAll(tag)) {
    const [, closing, name, , selfClosing] = m;
    const n = name!.toLowerCase();
    if (closing === '/') {
      const top = stack.pop();
      if (top !== n) errors.push(`</${n}> closes <${top ?? 'nothing'}> at ${m.index}`);
    } else {
      elements.push(n);
      if (selfClosing !== '/' && !VOID.has(n)) stack.push(n);
    }
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  const text = body.replace(/<[^>]*>/g, ' ');
  if (LEAKS.test(text)) errors.push(`leaked non-number in text: ${text.match(LEAKS)?.[0]}`);
  for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
    // Nested panels (sweep) close inner </svg> first; check the outermost block only when it is balanced.
    if ((svg.match(/<svg/g) ?? []).length === 1) errors.push(...checkSvg(svg).errors);
  }
  return { errors, elements };
}
