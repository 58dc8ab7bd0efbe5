import { Skeleton, VisuallyHidden } from '@mantine/core';

/** A placeholder of the content's rough size, announced to screen readers as "Loading …". */
export function Loading({ what, height = 48 }: { what: string; height?: number }) {
  return (
    <div role="status">
      <VisuallyHidden>Loading {what}</VisuallyHidden>
      <Skeleton height={height} />
    </div>
  );
}
