import { builder } from '../graphql/builder.ts';

// The profile's enums, shared by its type, its filter and its inputs.

export const ProfileStatusEnum = builder.enumType('ProfileStatus', {
  description: 'Where a profile stands in the invitation flow.',
  values: {
    NOT_INVITED: { description: 'Created, never invited; nothing has been sent to the person.' },
    PENDING: { description: 'Invited, not accepted yet (the latest invitation may have expired).' },
    VALIDATED: { description: 'The person accepted an invitation and set a password.' },
    DEACTIVATED: {
      description:
        'Turned off by the directory it comes from (Entra ID, Okta): no invitation works, group-given access is taken away; reactivation restores the earlier status.',
    },
  } as const,
});

export const PaymentMethodEnum = builder.enumType('PaymentMethod', {
  description: 'How a profile pays for parking.',
  values: {
    CREDIT_CARD: { description: 'Credit or debit card.' },
    SEPA_DIRECT_DEBIT: { description: 'SEPA direct debit.' },
    PAYROLL_DEDUCTION: { description: 'Deducted from the salary.' },
    COMPANY_INVOICE: { description: 'Invoiced to the company.' },
  } as const,
});
