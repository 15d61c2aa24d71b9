import type { EmailDeliveryState, InvitationState, Locale, PaymentMethod, ProfileStatus, Role } from '@parkpass/sdk';

// The API's enums, in the order the UI lists them. Their words are messages
// (i18n/messages.*.ts): `status.PENDING`, `payment.CREDIT_CARD`, …

export const STATUSES: readonly ProfileStatus[] = ['NOT_INVITED', 'PENDING', 'VALIDATED', 'DEACTIVATED'];
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['CREDIT_CARD', 'SEPA_DIRECT_DEBIT', 'PAYROLL_DEDUCTION', 'COMPANY_INVOICE'];
export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MANAGER', 'VIEWER'];
export type { EmailDeliveryState, InvitationState };

/** Delivery states an admin must act on (change the address). */
export const DELIVERY_PROBLEMS: ReadonlySet<EmailDeliveryState> = new Set(['BOUNCED', 'SPAM_COMPLAINT', 'FAILED']);

/** Each language in its own name, as people look for theirs. */
export const LOCALE_LABELS: Record<Locale, string> = {
  EN: 'English',
  FR: 'Français',
};
