import type { FlowDefinition } from '../flow-types.js';
import { backInStockFlow } from './back-in-stock.js';
import { birthday } from './birthday.js';
import { browseAbandonment } from './browse-abandonment.js';
import { cartAbandonment } from './cart-abandonment.js';
import { checkoutAbandonment } from './checkout-abandonment.js';
import { crossSellFlow } from './cross-sell.js';
import { educationalFlow } from './educational-series.js';
import { holidayGreetings } from './holiday-greetings.js';
import { newProductLaunch } from './new-product-launch.js';
import { nextLifeStage } from './next-life-stage.js';
import { postPurchaseFollowUpFlow } from './post-purchase-follow-up.js';
import { priceDropFlow } from './price-drop.js';
import { productAbandonment } from './product-abandonment.js';
import { reEngagementFlow } from './re-engagement.js';
import { replacementDue } from './replacement-due.js';
import { replenishmentFlow } from './replenishment.js';
import { reviewRequestFlow } from './review-request.js';
import { satisfactionSurvey } from './satisfaction-survey.js';
import { sunsetFlow } from './sunset.js';
import { thankYouNewCustomerFlow } from './thank-you-new-customer.js';
import { thankYouReturningCustomerFlow } from './thank-you-returning-customer.js';
import { welcomeSeries } from './welcome-series.js';
import { winBackFlow } from './win-back.js';

/** Every flow of the library, in the order the list shows them. */
export const flowLibrary: readonly FlowDefinition[] = [
  // Onboarding and abandonment.
  welcomeSeries,
  browseAbandonment,
  productAbandonment,
  cartAbandonment,
  checkoutAbandonment,
  // Catalog and orders.
  backInStockFlow,
  priceDropFlow,
  thankYouNewCustomerFlow,
  thankYouReturningCustomerFlow,
  postPurchaseFollowUpFlow,
  reviewRequestFlow,
  // Retention.
  crossSellFlow,
  reEngagementFlow,
  replenishmentFlow,
  educationalFlow,
  winBackFlow,
  sunsetFlow,
  // Lifecycle.
  birthday,
  newProductLaunch,
  satisfactionSurvey,
  replacementDue,
  nextLifeStage,
  holidayGreetings,
];
