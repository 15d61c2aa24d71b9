import { builder } from '../graphql/builder.ts';
import type { Locale } from './locales.ts';

export const LocaleEnum = builder.enumType('Locale', {
  description: 'A language Parkpass writes emails and the accept page in. More may come: treat an unknown one as English.',
  values: {
    EN: { description: 'English.' },
    FR: { description: 'French (français).' },
  } as const satisfies Record<Locale, { description: string }>,
});
