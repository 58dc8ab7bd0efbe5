import { createTheme, defaultVariantColorsResolver, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';

/**
 * Mantine's defaults with the contrast WCAG 2.1 AA asks for (4.5:1 for
 * text): filled buttons and badges use shade 8, light variants (alerts,
 * badges) write in shade 9 (black for yellow and orange) and hover on
 * shade 1, and "dimmed" text
 * is gray 7 rather than gray 6.
 */
/** Even their darkest shade is too light to read on their own pale background. */
const PALE_HUES = new Set(['yellow', 'orange', 'lime']);

const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant === 'light' && input.color) {
    const base = input.color.split('.')[0];
    if (PALE_HUES.has(base)) return { ...colors, color: 'var(--mantine-color-black)' };
    // Mantine's light hover (shade 2 here) leaves shade 9 text at 4.0:1; shade 1 keeps it above 4.5:1 under the pointer.
    return { ...colors, color: `var(--mantine-color-${base}-9)`, hover: `var(--mantine-color-${base}-1)` };
  }
  return colors;
};

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  autoContrast: true,
  variantColorResolver,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  defaultRadius: 'md',
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  // Error messages, and the value of a field in error, are written in this colour: Mantine's red 6 reads at 3.3:1 on white.
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-error': 'var(--mantine-color-red-9)' },
  dark: {},
});
