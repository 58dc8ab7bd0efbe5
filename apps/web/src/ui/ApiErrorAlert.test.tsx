import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { ApiErrorAlert, fieldErrors } from './ApiErrorAlert';

const refusal = new ApiError(400, {
  code: 'REQUEST.INVALID',
  message: 'The request has invalid fields',
  fields: [
    { field: 'email', problems: ['email must be an e-mail address'] },
    { field: 'startedAt', problems: ['startedAt must be an ISO 8601 instant', 'startedAt must not be in the future'] },
  ],
  correlationId: 'corr-123',
});

const renderAlert = (ui: ReactElement) => render(<MantineProvider>{ui}</MantineProvider>);

describe('ApiErrorAlert', () => {
  it('shows the API’s message, each field’s problems and the reference to quote', () => {
    renderAlert(<ApiErrorAlert error={refusal} title="The session could not be started" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The session could not be started');
    expect(alert.textContent).toContain('The request has invalid fields');
    expect(alert.textContent).toContain('startedAt: startedAt must be an ISO 8601 instant. startedAt must not be in the future');
    expect(alert.textContent).toContain('Reference for support: corr-123');
  });

  it('leaves out the fields the form shows next to its inputs', () => {
    renderAlert(<ApiErrorAlert error={refusal} fieldsShownInForm={['email']} />);
    expect(screen.getByRole('alert').textContent).not.toContain('email must be');
    expect(fieldErrors(refusal)).toEqual({ email: 'email must be an e-mail address', startedAt: 'startedAt must be an ISO 8601 instant. startedAt must not be in the future' });
  });

  it('accepts the bare error body and errors that carry one', () => {
    renderAlert(<ApiErrorAlert error={{ reply: { code: 'SESSION.ALREADY_ACTIVE', message: 'You already have an active session', correlationId: 'c' } }} />);
    expect(screen.getByRole('alert').textContent).toContain('You already have an active session');
  });

  it('says the server could not be reached when there was no answer', () => {
    renderAlert(<ApiErrorAlert error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert').textContent).toContain('could not be reached');
  });

  it('renders nothing without an error', () => {
    renderAlert(<ApiErrorAlert error={null} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
