import { notifications } from '@mantine/notifications';
import { useEffect, useRef } from 'react';
import type { CombinedError } from 'urql';

// What changes elsewhere (an invitee accepts, an email bounces, a bulk
// invitation runs) shows without a reload: the page's query runs again from
// the network every LIVE_INTERVAL_MS while the tab is visible, at once when it
// becomes visible again, and never while hidden. A page of 50 profiles costs
// about 1,000 of an admin's 100,000 points a minute; a RATE_LIMITED answer
// slows the refresh fourfold until a request goes through.

export const LIVE_INTERVAL_MS = 10_000;

export function useLiveRefresh(refresh: () => void, lastError: CombinedError | undefined, intervalMs = LIVE_INTERVAL_MS) {
  const limited = Boolean(lastError?.graphQLErrors.some((e) => e.extensions?.code === 'RATE_LIMITED'));
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const delay = limited ? intervalMs * 4 : intervalMs;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      if (!document.hidden) latest.current();
      timer = setTimeout(tick, delay);
    };
    timer = setTimeout(tick, delay);
    const onVisible = () => {
      if (!document.hidden) latest.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, limited]);
}

/**
 * Calls `notify` with what changed between two readings of the same items
 * (by id): the items whose `signature` differs. The first reading and items
 * that come or go (another page, another filter) say nothing.
 */
/** `signature` must be stable (a module-level function). */
export function useChangeNotices<T extends { id: string }>(items: readonly T[] | undefined, signature: (item: T) => string, notify: (changed: T[]) => void) {
  const previous = useRef<Map<string, string> | null>(null);
  const latestNotify = useRef(notify);
  latestNotify.current = notify;
  useEffect(() => {
    if (!items) return;
    const now = new Map(items.map((item) => [item.id, signature(item)]));
    const before = previous.current;
    previous.current = now;
    if (!before) return;
    const changed = items.filter((item) => before.has(item.id) && before.get(item.id) !== now.get(item.id));
    if (changed.length) latestNotify.current(changed);
  }, [items, signature]);
}

/** A notice that something changed elsewhere, read out by screen readers too. */
export function showChangeNotice(message: string) {
  notifications.show({ color: 'blue', message, autoClose: 8_000 });
}
