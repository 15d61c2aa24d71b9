import { DOMAIN_ERRORS, type ErrorCode } from '../kernel/errors.ts';
import { REQUEST_ERROR_CODES, type RequestErrorCode, requestRefusalCodes } from '../kernel/request-refusals.ts';

/** Every error code as Markdown, for the "Error codes" section of docs/api.md (a test keeps the two equal). */
export function errorCodesMarkdown(): string {
  const escapePipes = (text: string) => text.replaceAll('|', '\\|');
  const requestRows = (Object.keys(REQUEST_ERROR_CODES) as RequestErrorCode[]).map((code) => `| \`${code}\` | — | ${escapePipes(REQUEST_ERROR_CODES[code])} |`);
  const limitRows = Object.entries(requestRefusalCodes).map(([code, meaning]) => `| \`${code}\` | — (request limits) | ${escapePipes(meaning)} |`);
  const domainRows = (Object.keys(DOMAIN_ERRORS) as ErrorCode[]).map((code) => {
    const entry = DOMAIN_ERRORS[code] as { typeName: string; description: string; input?: true; fields?: Record<string, unknown> };
    const details = [...(entry.input ? ['path'] : []), ...Object.keys(entry.fields ?? {})];
    return `| \`${code}\` | \`${entry.typeName}\`${details.length ? ` (${details.map((name) => `\`${name}\``).join(', ')})` : ''} | ${escapePipes(entry.description)} |`;
  });
  return ['| code | typed error (details) | meaning |', '| --- | --- | --- |', ...requestRows, ...limitRows, ...domainRows].join('\n');
}
