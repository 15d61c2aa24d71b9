import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import { EN, type MessageId } from './messages.en.ts';
import { FR } from './messages.fr.ts';

// The admin UI's words, in English and French, as ICU messages (FormatJS'
// react-intl, the library behind the server's intl-messageformat). The
// language is the admin's choice, kept in this browser, or else the browser's
// own; dates and numbers follow it.

export type UiLocale = 'en' | 'fr';
export const UI_LOCALES: readonly UiLocale[] = ['en', 'fr'];
/** French typography: the space before « : ; ? ! » and inside « … » does not break, so no line starts with a colon. */
const frenchSpaces = (messages: Record<MessageId, string>) =>
  Object.fromEntries(Object.entries(messages).map(([id, text]) => [id, text.replace(/ ([:;?!»])/g, '\u00a0$1').replace(/« /g, '«\u00a0')])) as Record<
    MessageId,
    string
  >;
const MESSAGES: Record<UiLocale, Record<MessageId, string>> = { en: EN, fr: frenchSpaces(FR) };
const STORAGE_KEY = 'parkpass.admin.locale';

/** The stored choice, else the first of the browser's languages the UI speaks, else English. */
export function initialLocale(): UiLocale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

const LocaleContext = createContext<{ locale: UiLocale; setLocale(locale: UiLocale): void } | null>(null);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<UiLocale>(initialLocale);
  const setLocale = useCallback((next: UiLocale) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return (
    <LocaleContext.Provider value={value}>
      <IntlProvider locale={locale} defaultLocale="en" messages={MESSAGES[locale]}>
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

export function useLocale() {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale outside LocaleProvider');
  return value;
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;
export type Translate = (id: MessageId, values?: MessageValues) => string;

/** `t('profiles.title')`, `t('profiles.selected', { count })`: a message of the current language. */
export function useT(): Translate {
  const intl = useIntl();
  return useCallback((id: MessageId, values?: MessageValues) => intl.formatMessage({ id }, values), [intl]);
}

/** Dates and numbers in the current language. */
export function useFormat() {
  const intl = useIntl();
  return useMemo(
    () => ({
      dateTime: (iso: string | null | undefined) => (iso ? intl.formatDate(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' }) : '—'),
      count: (n: number) => intl.formatNumber(n),
      /** A language's name in the UI's language ("anglais" in French): for sentences; pickers list each in its own name. */
      language: (code: string) => new Intl.DisplayNames([intl.locale], { type: 'language' }).of(code.toLowerCase()) ?? code,
      /** A bounded count (ProfileConnection.count): "10,000+" when there are at least that many. */
      bounded: ({ count, precision }: { count: number; precision: 'EXACT' | 'AT_LEAST' }) =>
        `${intl.formatNumber(count)}${precision === 'AT_LEAST' ? '+' : ''}`,
    }),
    [intl],
  );
}

export type { MessageId };
