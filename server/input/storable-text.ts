// What any text argument must be for the database to keep it as sent:
// PostgreSQL's text cannot hold U+0000 (it fails with 22021), and a lone UTF-16
// surrogate is not a character (it would be stored as U+FFFD). The field rules
// (lengths, trimming, formats) live with each input; this holds for all of them.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored as sent, or null when it can. */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'Text may not contain the NUL character (U+0000).';
  if (LONE_SURROGATE.test(text)) return 'Text must be valid Unicode (it holds a lone surrogate).';
  return null;
}
