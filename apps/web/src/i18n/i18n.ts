import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, MESSAGES, type Language } from './messages';

/** Where the browser remembers the reader's choice: it holds before sign-in and without a network. */
const CHOSEN_LANGUAGE = 'sessionledger-language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function rememberedLanguage(): Language | null {
  try {
    const stored = localStorage.getItem(CHOSEN_LANGUAGE);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(CHOSEN_LANGUAGE, language);
  } catch {
    // A browser that keeps nothing (private mode) still shows the language for this visit.
  }
}

/** The remembered choice, else the browser's own language when it is one of ours, else English. */
function firstLanguage(): Language {
  const browser = typeof navigator === 'undefined' ? '' : navigator.language.slice(0, 2);
  return rememberedLanguage() ?? (isLanguage(browser) ? browser : 'en');
}

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: MESSAGES[language] }])),
  lng: firstLanguage(),
  fallbackLng: 'en',
  // React escapes what it renders; escaping here too would show names like O'Neil as O&#39;Neil.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export { i18next };
