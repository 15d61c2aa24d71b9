import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useRef } from 'react';
import { useT } from '../i18n/i18n.tsx';

export interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  children?: ReactNode;
  /** The safe action ("Cancel"), also Escape and ×; it has the focus when the dialog opens. */
  onCancel(): void;
  cancelLabel?: string;
  onConfirm?(): void;
  confirmLabel?: string;
  /** The action destroys something: the Confirm button is red. */
  danger?: boolean;
  busy?: boolean;
  confirmDisabled?: boolean;
  /** Replaces Cancel/Confirm (a later step: progress, summary); its safe button carries `data-autofocus`. */
  actions?: ReactNode;
  /** Changes when the dialog moves to another step: the focus goes to that step's `[data-autofocus]`. */
  step?: string;
  /** Where the focus goes back once closed; by default what had it when the dialog opened (pass the menu's button when opened from a menu). */
  returnFocusTo?: RefObject<HTMLElement | null>;
  size?: string;
  closeOnClickOutside?: boolean;
  /** Why the last confirmation was refused, shown above the buttons as an alert (the dialog stays open). */
  failure?: string | null;
}

/**
 * Every "are you sure?" of the admin UI. While it is open, the page behind is
 * inert (no Tab, click or Space reaches it), the focus stays in the dialog and
 * starts on the safe action; once closed, it returns to what opened it.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const t = useT();
  const { opened, title, children, onCancel, onConfirm, busy, confirmDisabled, actions, step, returnFocusTo, danger } = props;
  const body = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  // Remember the opener before anything moves the focus.
  useLayoutEffect(() => {
    if (!opened) return;
    opener.current = returnFocusTo?.current ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    const back = returnFocusTo;
    return () => {
      const target = back?.current ?? opener.current;
      // After the page is no longer inert (the effect below is cleaned up first).
      requestAnimationFrame(() => {
        // A button drawn again (its row re-rendered) is found by its name; one that went away or became
        // disabled (nothing selected any more): the page's content instead.
        const label = target?.getAttribute('aria-label');
        const again = target?.isConnected ? target : label ? document.querySelector<HTMLElement>(`[aria-label="${CSS.escape(label)}"]`) : null;
        if (again && !(again as HTMLButtonElement).disabled) again.focus();
        else document.getElementById('main')?.focus();
      });
    };
  }, [opened, returnFocusTo]);

  useEffect(() => {
    if (!opened) return;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    const dialog = () => body.current?.closest<HTMLElement>('[role="dialog"]') ?? null;
    const focusSafe = () => dialog()?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const keepInside = (event: FocusEvent) => {
      const node = dialog();
      if (node && event.target instanceof Node && !node.contains(event.target)) focusSafe();
    };
    document.addEventListener('focusin', keepInside);
    // A menu that closed as the dialog opened may have taken the focus back to its button.
    const frame = requestAnimationFrame(() => {
      if (!dialog()?.contains(document.activeElement)) focusSafe();
    });
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('focusin', keepInside);
      root?.removeAttribute('inert');
    };
  }, [opened]);

  // A new step replaced the focused button: focus the new step's safe action.
  useEffect(() => {
    if (!opened || step === undefined) return;
    const node = body.current?.closest<HTMLElement>('[role="dialog"]');
    if (node && !node.contains(document.activeElement)) node.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, [opened, step]);

  return (
    <Modal
      opened={opened}
      onClose={onCancel}
      title={title}
      size={props.size}
      returnFocus={false}
      closeOnClickOutside={props.closeOnClickOutside ?? !busy}
      closeButtonProps={{ 'aria-label': t('dialog.close') }}
    >
      <Stack ref={body}>
        {children}
        {props.failure && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {props.failure}
          </Text>
        )}
        {actions ?? (
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel} data-autofocus>
              {props.cancelLabel ?? t('dialog.cancel')}
            </Button>
            {onConfirm && (
              <Button onClick={onConfirm} loading={busy} disabled={confirmDisabled} color={danger ? 'red.9' : undefined}>
                {props.confirmLabel ?? t('dialog.confirm')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Modal>
  );
}
