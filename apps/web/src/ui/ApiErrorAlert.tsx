import { Alert, List, Text } from '@mantine/core';
import { toErrorReply } from './error-reply';

export { fieldErrors, toErrorReply } from './error-reply';

export interface ApiErrorAlertProps {
  /** What failed: an `ApiError`, the API's error body, a network error; nothing is rendered for null/undefined. */
  error: unknown;
  /** A heading saying what was being done ("The session could not be started"); defaults to none. */
  title?: string;
  /** Fields whose problems the form already shows next to the inputs; they are not listed twice. */
  fieldsShownInForm?: readonly string[];
}

/**
 * An API refusal in words: the API's message, each field's problems, and the
 * reference to quote to support. Announced to screen readers as an alert.
 */
export function ApiErrorAlert({ error, title, fieldsShownInForm = [] }: ApiErrorAlertProps) {
  const reply = toErrorReply(error);
  if (!reply) return null;
  const otherFields = (reply.fields ?? []).filter(({ field }) => !fieldsShownInForm.includes(field));
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-error-code={reply.code}>
      <Text size="sm">{reply.message}</Text>
      {otherFields.length > 0 && (
        <List size="sm" mt="xs">
          {otherFields.map(({ field, problems }) => (
            <List.Item key={field}>
              <strong>{field}</strong>: {problems.join('. ')}
            </List.Item>
          ))}
        </List>
      )}
      {reply.correlationId && (
        <Text size="xs" c="dimmed" mt="xs">
          Reference for support: {reply.correlationId}
        </Text>
      )}
    </Alert>
  );
}
