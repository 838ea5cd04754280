/**
 * The demo replays 120 days, so flows whose clock runs in months or years (win-back after 90
 * days, replacement after two years, sunset after five months) get shorter periods here, and
 * the scheduled ones a date inside the period: every flow of the library then has customers
 * in the summary. The store's own defaults are the flows' (docs/guides/flows.md).
 */
export function demoFlowParams(
  flowId: string,
  firstDay: number,
  days: number,
): Record<string, string | number> {
  // A day near the end of the period, as a cron date (UTC month and day).
  const late = new Date(firstDay + Math.floor(days * 0.8) * 86_400_000);
  const lateCron = `0 9 ${late.getUTCDate()} ${late.getUTCMonth() + 1} *`;
  switch (flowId) {
    case 'win-back':
      return { lapsedDays: 40 };
    case 'sunset':
      return { inactiveDays: 60 };
    case 'replacement-due':
      return { lifetimeDays: 45, category: 'Appliances' };
    case 'next-life-stage':
      return { stageDays: 30 };
    case 'holiday-greetings':
      return { cron: lateCron };
    case 'new-product-launch':
      return {
        cron: lateCron,
        productId: 'new-product',
        productTitle: 'Ethiopia Guji Natural Espresso',
        productUrl: 'https://demo.comeback.shop/p/new-product',
      };
    default:
      return {};
  }
}
