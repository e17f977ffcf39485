/** Chinese text puts a space between Han characters and Latin letters or digits ("在魔搭 ModelScope 上"). Templates
 * are written so; where a parameter's value meets Han text in the template, the space is added as the value is
 * filled in (a source's name, a count, a token), never inside the value. */
const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z0-9]/;

/** `value` as it sits between the template's `before` and `after` characters. */
export function spacedValue(before: string | undefined, value: string, after: string | undefined): string {
  if (!value) return value;
  const start = before !== undefined && HAN.test(before) && LATIN.test(value[0]!) ? ' ' : '';
  const end = after !== undefined && HAN.test(after) && LATIN.test(value[value.length - 1]!) ? ' ' : '';
  return `${start}${value}${end}`;
}

/** Han next to a Latin letter or a digit with no space between, in a template's own text (placeholders aside). */
export function unspacedMixedScript(template: string): string[] {
  const text = template.replace(/\{\w+\}/g, '\u0000');
  return [...text.matchAll(/(\p{Script=Han}[A-Za-z0-9]|[A-Za-z0-9]\p{Script=Han})/gu)].map((m) => m[0]);
}
