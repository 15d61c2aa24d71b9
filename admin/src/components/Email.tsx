import { Fragment } from 'react';

/** An email address that wraps after "@" or a dot, not in the middle of a word. */
export function Email({ address }: { address: string }) {
  const parts = address.split(/(?<=[@.])/);
  return (
    <span className="email">
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string.
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
