/**
 * The example store the reference is written about: an online optician selling contact lenses
 * and lens care. Shapes are exactly what the handlers return (the OpenAPI tests check every
 * example against the route's response schema), values are made up.
 */

export const ANA_ID = '0b6f3c1e-8d2a-4f57-9c1e-5a7d2b9e4f10';
export const at = {
  firstSeen: '2026-03-02T08:15:04.120Z',
  firstOrder: '2026-03-02T08:21:47.503Z',
  lastOrder: '2026-04-01T19:02:11.870Z',
  now: '2026-05-04T09:30:00.000Z',
  fit: '2026-05-04T03:00:00.000Z',
};

export const lensProduct = {
  id: 'lens-30',
  title: 'Daily contact lenses, 30 pack',
  url: 'https://shop.example.com/p/lens-30',
  imageUrl: 'https://shop.example.com/img/lens-30.jpg',
  categories: ['Contact Lenses'],
  price: 29.95,
  currency: 'USD',
  stock: 120,
  inStock: true,
  active: true,
  consumable: true,
  usageDays: 30,
  nonProduct: null,
  attributes: { brand: 'ClearDay', material: 'silicone hydrogel' },
  variants: [
    {
      id: 'lens-30-m300',
      sku: 'L30-M300',
      title: '-3.00',
      price: 29.95,
      stock: 40,
      inventoryItemId: null,
      active: true,
    },
  ],
  source: 'api',
  createdAt: '2026-02-20T10:00:00.000Z',
  updatedAt: '2026-04-28T07:45:12.004Z',
  sourceUpdatedAt: '2026-04-28T07:45:00.000Z',
};

export const solutionProduct = {
  ...lensProduct,
  id: 'solution-360',
  title: 'Multipurpose lens solution, 360 ml',
  url: 'https://shop.example.com/p/solution-360',
  imageUrl: 'https://shop.example.com/img/solution-360.jpg',
  categories: ['Lens Care'],
  price: 12.5,
  stock: 300,
  usageDays: 60,
  attributes: {},
  variants: [],
};

export const anaPredictions = {
  p_alive: 0.87,
  expected_orders_90d: 1.42,
  expected_orders_365d: 4.9,
  predicted_clv_365d: 221.3,
  churn_risk: 'low',
  expected_next_order_at: '2026-05-09T00:00:00.000Z',
  method: 'bg_nbd',
  quality: 'good',
  quality_reason: null,
  quality_findings: [],
  computed_at: at.fit,
};

export const anaProfile = {
  id: ANA_ID,
  createdAt: at.firstSeen,
  updatedAt: at.lastOrder,
  traits: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva', lens_power: -3 },
  identifiers: [
    { kind: 'anonymous_id', value: 'a-1' },
    { kind: 'email', value: 'ana@example.com' },
    { kind: 'user_id', value: 'u-1' },
  ],
  computed: {
    order_count: 2,
    total_spent: 102.4,
    average_order_value: 51.2,
    first_order_at: at.firstOrder,
    last_order_at: at.lastOrder,
    last_seen_at: at.lastOrder,
    categories_bought: ['Contact Lenses', 'Lens Care'],
    products_bought: ['lens-30', 'solution-360'],
    last_product_viewed: 'lens-30',
    refunded_total: 0,
  },
  consent: {},
  segments: [],
  mergedFrom: [],
  recreatedAfterErasure: false,
  predictions: anaPredictions,
  insights: {
    next_replenishment_due_at: '2026-05-01T19:02:11.870Z',
    next_replenishment_product: 'lens-30',
    next_likely_category: 'Lens Care',
    next_likely_category_probability: 0.41,
    replacement_category: null,
    replacement_due_at: null,
    computed_at: at.fit,
  },
};

export const anaOrder = {
  orderId: '1001',
  profileId: ANA_ID,
  status: 'fulfilled',
  orderNumber: '#1001',
  total: 59.9,
  refunded: 0,
  currency: 'USD',
  subtotal: 59.9,
  discount: 0,
  tax: 0,
  shipping: 0,
  checkoutId: null,
  orderedAt: at.firstOrder,
  cancelledAt: null,
  fulfilledAt: '2026-03-03T11:20:00.000Z',
  deliveredAt: null,
  sourceUpdatedAt: '2026-03-03T11:20:00.000Z',
  lines: [
    {
      productId: 'lens-30',
      variantId: 'lens-30-m300',
      sku: 'L30-M300',
      name: 'Daily contact lenses, 30 pack',
      category: 'Contact Lenses',
      price: 29.95,
      quantity: 2,
    },
  ],
  refunds: [],
  fulfilments: [],
};

export const orderCompletedEvent = {
  messageId: 'srv-e06e9003-f275-4e7f-8032-891de8f95d72',
  type: 'track',
  event: 'Order Completed',
  timestamp: at.firstOrder,
  receivedAt: at.firstOrder,
  payload: {
    userId: 'u-1',
    event: 'Order Completed',
    properties: {
      order_id: '1001',
      total: 59.9,
      currency: 'USD',
      products: [{ product_id: 'lens-30', category: 'Contact Lenses', price: 29.95, quantity: 2 }],
    },
    type: 'track',
    messageId: 'srv-e06e9003-f275-4e7f-8032-891de8f95d72',
    timestamp: at.firstOrder,
    receivedAt: at.firstOrder,
  },
};

export const productViewedEvent = {
  messageId: 'ajs-next-1741903504120-4f0e',
  type: 'track',
  event: 'Product Viewed',
  timestamp: at.firstSeen,
  receivedAt: at.firstSeen,
  payload: {
    anonymousId: 'a-1',
    event: 'Product Viewed',
    properties: { product_id: 'lens-30' },
    type: 'track',
    messageId: 'ajs-next-1741903504120-4f0e',
    timestamp: at.firstSeen,
    receivedAt: at.firstSeen,
  },
};

/** The export lists events without their receipt time (it stays in the payload). */
const exported = (e: {
  messageId: string;
  type: string;
  event: string;
  timestamp: string;
  payload: object;
}) => ({
  messageId: e.messageId,
  type: e.type,
  event: e.event,
  timestamp: e.timestamp,
  payload: e.payload,
});

export const profileExport = {
  profile: anaProfile,
  unappliedEvents: [],
  orders: [anaOrder],
  events: [exported(productViewedEvent), exported(orderCompletedEvent)],
  consentHistory: [
    {
      channel: 'email',
      status: 'subscribed',
      source: 'checkout',
      updatedAt: at.firstOrder,
      proof: { ip: '203.0.113.7', form: 'checkout' },
      at: at.firstOrder,
    },
  ],
  messages: [],
};

export const connector = {
  id: 'con_f66aadb19a9b4539bf80',
  platform: 'shopify',
  name: 'Lens shop (Shopify)',
  shopDomain: 'lens-shop.myshopify.com',
  webhookPath: '/webhooks/shopify/con_f66aadb19a9b4539bf80',
  webhookUrl: 'https://comeback.example.com/webhooks/shopify/con_f66aadb19a9b4539bf80',
  createdAt: '2026-02-20T10:05:00.000Z',
  disabledAt: null,
  deliveries: {
    total: 1284,
    failed: 2,
    lastReceivedAt: '2026-05-04T09:12:30.000Z',
    lastError: null,
  },
};

export const importJob = {
  id: 'imp_24f86efd-04ad-414b-8116-e46fd22a0ae8',
  kind: 'customers',
  format: 'csv',
  file: 'customers-2026-05.csv',
  mapping: 'crm-customers',
  status: 'done',
  progress: { rows: 3, bytes: 100, totalBytes: 100 },
  summary: {
    jobId: 'imp_24f86efd-04ad-414b-8116-e46fd22a0ae8',
    kind: 'customers',
    file: 'customers-2026-05.csv',
    rows: 3,
    imported: 2,
    updated: 0,
    unchanged: 0,
    rejected: 1,
    rejectedFile:
      '/var/lib/comeback/imports/imp_24f86efd-04ad-414b-8116-e46fd22a0ae8.upload.rejected.csv',
    unknownColumns: [],
    errors: [{ line: 3, message: 'email "not-an-email" is not an e-mail address' }],
    durationMs: 41,
  },
  error: null,
  createdAt: '2026-05-04T09:00:00.000Z',
  startedAt: '2026-05-04T09:00:00.120Z',
  finishedAt: '2026-05-04T09:00:00.161Z',
};

export const savedMapping = {
  kind: 'customers',
  columns: [
    { source: 'E-Mail', target: 'email' },
    { source: 'Vorname', target: 'traits.first_name' },
    { source: 'Kundennummer', target: 'customer_id' },
  ],
  ignore: ['Notizen'],
  name: 'crm-customers',
  createdAt: '2026-04-30T14:00:00.000Z',
  updatedAt: '2026-04-30T14:00:00.000Z',
};

export const sftpSource = {
  name: 'ERP nightly export',
  host: 'sftp.example.com',
  port: 22,
  username: 'comeback',
  hostFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  remoteDir: '/exports',
  pattern: 'customers-*.csv',
  kind: 'customers',
  format: null,
  mapping: 'crm-customers',
  schedule: '0 6 * * *',
  timezone: 'Europe/Berlin',
  enabled: true,
  id: 'sftp_78e83fdef2784a119930',
  authMethods: ['password'],
  seenHostFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  nextRunAt: '2026-05-05T04:00:00.000Z',
  lastRunAt: '2026-05-04T04:00:00.000Z',
  lastSuccessAt: '2026-05-04T04:00:00.000Z',
  lastError: null,
  lastErrorAt: null,
  files: { imported: 31, failed: 0, pendingMoves: 0 },
  createdAt: '2026-04-01T12:00:00.000Z',
  updatedAt: '2026-04-01T12:00:00.000Z',
};

export const sftpFile = {
  id: 31,
  name: 'customers-2026-05-04.csv',
  size: 48213,
  mtime: '2026-05-04T03:55:02.000Z',
  status: 'imported',
  attempts: 1,
  summary: { rows: 412, imported: 9, updated: 401, unchanged: 2, rejected: 0 },
  error: null,
  movedTo: '/exports/processed/customers-2026-05-04.csv',
  moveError: null,
  startedAt: '2026-05-04T04:00:01.000Z',
  finishedAt: '2026-05-04T04:00:02.310Z',
  movedAt: '2026-05-04T04:00:02.400Z',
};

/** A template and a message of the messaging examples. */
export const TEMPLATE_ID = 'tpl_3e9a1c5b7d2f4a6c8e0b';
export const MESSAGE_ID = 'msg_5d2b8e1f4a7c9e3b6d0a2c4f';
