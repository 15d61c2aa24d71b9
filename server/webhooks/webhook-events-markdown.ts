import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from '../kernel/webhook-events.ts';

/** The webhook event catalogue of docs/webhooks.md, from the one in the code (a test keeps them equal). */
export function webhookEventsMarkdown(): string {
  const rows = WEBHOOK_EVENT_TYPES.map((type) => {
    const entry = WEBHOOK_EVENTS[type];
    const fields = Object.keys(entry.data)
      .map((field) => `\`${field}\``)
      .join(', ');
    return `| \`${type}\` | \`${entry.enumName}\` | ${entry.description} | ${fields} |`;
  });
  return ['| event (`type`) | GraphQL `WebhookEventType` | when | `data` |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
