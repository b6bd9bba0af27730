/**
 * Markup that is known to be safe: produced by {@link html} (which escapes every
 * interpolated value) or explicitly trusted. A class, so a plain string can never pass for it.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attribute values (the five characters the
 * HTML spec makes significant there), so user text can never open a tag or leave an attribute.
 *
 * @example
 * escapeHtml('<b>"Milk"</b>'); // '&lt;b&gt;&quot;Milk&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  // `false`, null and undefined render nothing, so `${cond && html`…`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag for markup: every interpolated value is escaped unless it is itself
 * {@link SafeHtml}; arrays are joined. The one way views build HTML, so escaping is never forgotten.
 *
 * @example
 * html`<li>${todo.title}</li>`; // SafeHtml, with the title escaped
 */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}
