import type { Recipient } from './recipient.js';

/** Who a preview renders for when no profile is chosen: every common variable filled. */
export const SAMPLE_PROFILE: Recipient = {
  profileId: 'sample',
  email: 'dana@example.com',
  phone: '+972501234567',
  language: null,
  timezone: 'Asia/Jerusalem',
  variables: {
    id: 'sample',
    email: 'dana@example.com',
    phone: '+972501234567',
    first_name: 'Dana',
    last_name: 'Levi',
    language: null,
    timezone: 'Asia/Jerusalem',
    traits: { first_name: 'Dana', last_name: 'Levi', email: 'dana@example.com' },
    computed: {
      order_count: 3,
      total_spent: 412.5,
      average_order_value: 137.5,
      first_order_at: '2025-03-14T09:12:00.000Z',
      last_order_at: '2026-10-02T18:40:00.000Z',
      categories_bought: ['Skin care'],
      products_bought: ['sku-cream-50'],
    },
    predictions: null,
  },
};
