/*
 * The e-signature: the signer's password again (or, for an account that signs
 * in only through the district's identity provider, the signing PIN), with
 * what signing means said before it is done.
 */
import { Alert, Checkbox, PasswordInput, Stack, Text } from '@mantine/core';
import type { Signature } from '../sessions/api';
import { READABLE_ALERT } from '../sessions/modalProps';

/** What the API binds to every signature (SignatureReply.meaning); shown before signing, the server's words after. */
export const SIGNATURE_MEANING = 'I attest that this service was provided as documented';

export interface SignatureState {
  secret: string;
  usePin: boolean;
}

export function toSignature(state: SignatureState): Signature | null {
  if (!state.secret) return null;
  return state.usePin ? { pin: state.secret } : { password: state.secret };
}

export function SignatureFields({ value, onChange, error, action }: { value: SignatureState; onChange: (v: SignatureState) => void; error?: string; action: string }) {
  return (
    <Stack gap="xs">
      <Alert styles={READABLE_ALERT} color="blue" variant="light" title="Your electronic signature">
        <Text size="sm">
          By {action} you sign: “{SIGNATURE_MEANING}.” The signature binds the content as it is now; afterwards it changes only by an amendment, which is kept
          beside the original.
        </Text>
      </Alert>
      <PasswordInput
        label={value.usePin ? 'Your signing PIN' : 'Your password'}
        description={value.usePin ? 'The PIN you set for signing' : 'The password you sign in with'}
        autoComplete={value.usePin ? 'off' : 'current-password'}
        value={value.secret}
        onChange={(e) => onChange({ ...value, secret: e.currentTarget.value })}
        error={error}
        required
      />
      <Checkbox
        label="I sign in through my district's account (single sign-on) and sign with a PIN"
        checked={value.usePin}
        onChange={(e) => onChange({ ...value, usePin: e.currentTarget.checked, secret: '' })}
      />
    </Stack>
  );
}
