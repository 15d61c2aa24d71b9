import type { EmailDeliveryState, InvitationState, Locale, PaymentMethod, Plan, ProfileStatus, Role, SkipReason } from '@parkpass/sdk';

// Words an admin reads for the API's enums.

export const STATUS_LABELS: Record<ProfileStatus, string> = {
  NOT_INVITED: 'Not invited',
  PENDING: 'Pending',
  VALIDATED: 'Validated',
  DEACTIVATED: 'Deactivated',
};

export const DELIVERY_LABELS: Record<EmailDeliveryState, string> = {
  QUEUED: 'Email queued',
  SENDING: 'Email being sent',
  SENT: 'Email sent',
  DELIVERED: 'Email delivered',
  BOUNCED: 'Email bounced',
  SPAM_COMPLAINT: 'Spam complaint',
  FAILED: 'Email failed',
  CANCELLED: 'Email not sent',
  NO_EMAIL: 'Link handed over (no email)',
};

/** Delivery states an admin must act on (change the address). */
export const DELIVERY_PROBLEMS: ReadonlySet<EmailDeliveryState> = new Set(['BOUNCED', 'SPAM_COMPLAINT', 'FAILED']);

export const INVITATION_STATE_LABELS: Record<InvitationState, string> = {
  OPEN: 'Open',
  ACCEPTED: 'Accepted',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
  SUPERSEDED: 'Replaced by a newer invitation',
};

/** Each language in its own name, as people look for theirs. */
export const LOCALE_LABELS: Record<Locale, string> = {
  EN: 'English',
  FR: 'Français',
};

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  CREDIT_CARD: 'Credit card',
  SEPA_DIRECT_DEBIT: 'SEPA direct debit',
  PAYROLL_DEDUCTION: 'Payroll deduction',
  COMPANY_INVOICE: 'Company invoice',
};

export const ROLE_LABELS: Record<Role, string> = { OWNER: 'Owner', ADMIN: 'Admin', MANAGER: 'Manager', VIEWER: 'Viewer' };

export const PLAN_LABELS: Record<Plan, string> = { STARTER: 'Starter', BUSINESS: 'Business', ENTERPRISE: 'Enterprise' };

export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  ALREADY_VALIDATED: 'already validated',
  INVALID_EMAIL: 'email missing or invalid',
  EMAIL_UNDELIVERABLE: 'email bounced or reported as spam',
  RESEND_TOO_SOON: 'invited moments ago',
  NOT_FOUND: 'no longer exists',
  DEACTIVATED: 'deactivated by their directory',
};

export const formatDateTime = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';

export const formatCount = (n: number) => new Intl.NumberFormat('en-US').format(n);

export const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** A bounded count (ProfileConnection.count): "10,000+" when there are at least that many. */
export const formatBoundedCount = ({ count, precision }: { count: number; precision: 'EXACT' | 'AT_LEAST' }) =>
  `${formatCount(count)}${precision === 'AT_LEAST' ? '+' : ''}`;
