import type { ModalProps } from '@mantine/core';

/**
 * Every dialog of the session screens: a named close button, and an opaque
 * backdrop, so the screen behind neither distracts nor counts as text shown
 * at low contrast.
 */
export const MODAL_PROPS = {
  closeButtonProps: { 'aria-label': 'Close the dialog' },
  overlayProps: { color: '#e9ecef', backgroundOpacity: 1 },
} satisfies Partial<ModalProps>;

/** Alert titles in the text colour: the light variants' tinted titles (yellow, green) fall below 4.5:1. */
export const READABLE_ALERT = { title: { color: 'var(--mantine-color-dark-8)' } };
