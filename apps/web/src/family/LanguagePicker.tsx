import { NativeSelect } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, rememberedLanguage, rememberLanguage } from '../i18n/i18n';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/messages';
import { useSaveLanguage, useSavedLanguage } from './api';

/**
 * The family's language: remembered in this browser at once, and on the
 * account so the next device and the e-mail they are sent use it too. On a
 * browser that never chose, the account's language wins when it loads.
 */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const saved = useSavedLanguage();
  const save = useSaveLanguage();
  const adopted = useRef(false);

  useEffect(() => {
    if (adopted.current || !saved.data) return;
    adopted.current = true;
    if (rememberedLanguage() === null && saved.data.language !== i18n.language) void i18n.changeLanguage(saved.data.language);
  }, [saved.data, i18n]);

  const choose = (language: Language) => {
    rememberLanguage(language);
    void i18n.changeLanguage(language);
    save.mutate(language);
  };

  return (
    <NativeSelect
      size="xs"
      label={t('shell.language')}
      value={isLanguage(i18n.language) ? i18n.language : 'en'}
      onChange={(event) => {
        const language = event.currentTarget.value;
        if (isLanguage(language)) choose(language);
      }}
      data={LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }))}
    />
  );
}
