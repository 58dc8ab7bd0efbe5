import { Anchor, Button, Center, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { ApiErrorAlert, fieldErrors } from '../ui/ApiErrorAlert';
import { ssoStartUrl } from './sso';
import { useAuth } from './useAuth';

type Step = { name: 'password' } | { name: 'second-factor'; mfaToken: string };

/**
 * Sign in with e-mail and password, then the authenticator code when the
 * account has one. A district with single sign-on links here with
 * `?district=<its SSO slug>` and gets its button. (The API has no public way to
 * tell which district an e-mail belongs to, so the button is not offered otherwise.)
 */
export function SignInPage() {
  const auth = useAuth();
  const location = useLocation();
  const [params] = useSearchParams();
  const [step, setStep] = useState<Step>(() => (auth.ssoMfaToken ? { name: 'second-factor', mfaToken: auth.ssoMfaToken } : { name: 'password' }));
  const from = (location.state as { from?: string } | null)?.from ?? '/today';

  if (auth.status === 'signed-in') return <Navigate to={from} replace />;

  const district = params.get('district');
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h2">
            Sign in to Sessionledger
          </Title>
          <ApiErrorAlert
            error={auth.restoreFailure?.error}
            title={auth.restoreFailure?.during === 'sso' ? 'Single sign-on did not finish' : 'Please sign in again'}
          />
          {step.name === 'password' ? (
            <PasswordStep onSecondFactor={(mfaToken) => setStep({ name: 'second-factor', mfaToken })} />
          ) : (
            <SecondFactorStep mfaToken={step.mfaToken} onStartOver={() => setStep({ name: 'password' })} />
          )}
          {district && step.name === 'password' && (
            <>
              <Divider label="or" labelPosition="center" />
              {/* A page navigation, not a fetch: the API redirects the browser to the district's identity provider. */}
              <Button component="a" href={ssoStartUrl(district)} variant="outline" h="auto" py="xs" styles={{ label: { whiteSpace: 'normal', textAlign: 'center' } }}>
                Sign in with your district account
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function PasswordStep({ onSecondFactor }: { onSecondFactor: (mfaToken: string) => void }) {
  const { signInWithPassword } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const outcome = await signInWithPassword(email.trim(), password);
      if (!outcome.done) onSecondFactor(outcome.mfaToken);
    } catch (failure) {
      setError(failure);
      setPending(false);
    }
  }

  const errors = fieldErrors(error);
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        <ApiErrorAlert error={error} fieldsShownInForm={['email', 'password']} />
        <TextInput label="E-mail" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={errors.email} />
        <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={errors.password} />
        <Button type="submit" loading={pending} size="md">
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

function SecondFactorStep({ mfaToken, onStartOver }: { mfaToken: string; onStartOver: () => void }) {
  const { completeSecondFactor } = useAuth();
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const [code, setCode] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await completeSecondFactor(mfaToken, useRecoveryCode ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') });
    } catch (failure) {
      setError(failure);
      setPending(false);
    }
  }

  const field = useRecoveryCode ? 'recoveryCode' : 'code';
  const errors = fieldErrors(error);
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        <Text>{useRecoveryCode ? 'Enter one of the recovery codes you saved when you set up your authenticator.' : 'Enter the 6-digit code your authenticator app shows now.'}</Text>
        <ApiErrorAlert error={error} fieldsShownInForm={[field]} />
        <TextInput
          key={field}
          label={useRecoveryCode ? 'Recovery code' : 'Authenticator code'}
          autoComplete="one-time-code"
          inputMode={useRecoveryCode ? 'text' : 'numeric'}
          required
          autoFocus
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={errors[field]}
        />
        <Button type="submit" loading={pending} size="md">
          Verify
        </Button>
        <Anchor component="button" type="button" onClick={() => { setUseRecoveryCode(!useRecoveryCode); setCode(''); setError(null); }}>
          {useRecoveryCode ? 'Use the authenticator code instead' : 'Use a recovery code instead'}
        </Anchor>
        <Anchor component="button" type="button" onClick={onStartOver}>
          Start over
        </Anchor>
      </Stack>
    </form>
  );
}
