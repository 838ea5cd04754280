import type { ChannelKind } from '@comeback/contracts';

/**
 * GET /api/v1/overview, as the server's overviewSchema (modules/overview/overview-schema.ts)
 * describes it. Every series has one entry per day of `days` (UTC days).
 */
export interface MessageCounts {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
}

export interface Overview {
  from: string;
  to: string;
  currency: string;
  days: string[];
  messages: {
    byChannel: (MessageCounts & { channel: ChannelKind; failed: number })[];
    byDay: (MessageCounts & { day: string })[];
  };
  journeys: {
    journeyId: string;
    name: string;
    status: string;
    entered: number;
    converted: number;
    revenue: number;
    byDay: { day: string; converted: number; revenue: number }[];
  }[];
  repeatPurchase: {
    buyers: number;
    secondOrder: number;
    thirdOrder: number;
    secondRate: number | null;
    thirdRate: number | null;
  };
  churnRisk: {
    fittedAt: string;
    method: 'bg_nbd' | 'rules';
    counts: { low: number; medium: number; high: number };
  } | null;
}
