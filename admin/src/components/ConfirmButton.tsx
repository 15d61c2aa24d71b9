import { Button, type MantineColor, Text } from '@mantine/core';
import { type ReactNode, useRef, useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog.tsx';

interface Props {
  /** The button's text ("Revoke"), also the dialog's red Confirm button. */
  label: string;
  /** The button's accessible name, naming what it acts on ("Revoke key CI"): a table has one such button a row. */
  ariaLabel: string;
  title: string;
  /** What confirming will do, in a sentence. */
  text: ReactNode;
  /** Does it; resolves to the refusal's reason (the dialog stays open and says it) or null (done: the dialog closes). */
  onConfirm(): Promise<string | null>;
  busy: boolean;
  color?: MantineColor;
}

/**
 * A small button that destroys something after asking: it opens the danger
 * ConfirmDialog, which says why a refused confirmation failed, and the focus
 * comes back to the button when the dialog closes.
 */
export function ConfirmButton({ label, ariaLabel, title, text, onConfirm, busy, color }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  async function confirm() {
    setFailure(null);
    const refused = await onConfirm();
    if (refused === null) setConfirming(false);
    else setFailure(refused);
  }
  return (
    <>
      <Button
        ref={opener}
        size="compact-sm"
        variant="default"
        color={color}
        onClick={() => {
          setFailure(null);
          setConfirming(true);
        }}
        aria-label={ariaLabel}
      >
        {label}
      </Button>
      <ConfirmDialog
        opened={confirming}
        title={title}
        onCancel={() => setConfirming(false)}
        onConfirm={confirm}
        confirmLabel={label}
        danger
        busy={busy}
        returnFocusTo={opener}
        failure={failure}
      >
        <Text size="sm">{text}</Text>
      </ConfirmDialog>
    </>
  );
}
