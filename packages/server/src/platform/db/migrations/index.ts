import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-processor-failures.js';
import * as m003 from './003-merge-lookup.js';
import * as m004 from './004-store-data.js';
import * as m005 from './005-imports.js';
import * as m006 from './006-sftp.js';
import * as m007 from './007-insights.js';
import * as m008 from './008-recommendations.js';
import * as m009 from './009-connector-shop-domain.js';
import * as m010 from './010-key-lifecycle.js';
import * as m012 from './012-event-time-adjusted.js';
import * as m013 from './013-event-profiles.js';
import * as m014 from './014-derived-file.js';
import * as m015 from './015-dropped-events.js';
import * as m016 from './016-segments.js';
import * as m017 from './017-segment-membership.js';
import * as m018 from './018-rfm.js';
import * as m019 from './019-messaging.js';
import * as m020 from './020-channels.js';
import * as m021 from './021-journeys.js';
import * as m022 from './022-journey-runs.js';
import * as m023 from './023-budget-index.js';
import * as m024 from './024-users.js';
import * as m025 from './025-learned-products.js';
import * as m026 from './026-customer-value-fits.js';
import * as m027 from './027-recommendation-fits.js';
import * as m028 from './028-overview-index.js';
import * as m029 from './029-provider-credentials.js';
import * as m030 from './030-product-non-product.js';
import * as m031 from './031-message-contents.js';
import * as m032 from './032-buy-again-prior.js';
import * as m033 from './033-stock-rechecks.js';
import * as m034 from './034-profile-time-zones.js';
import * as m035 from './035-profile-timers.js';
import * as m036 from './036-product-views-index.js';
import * as m037 from './037-segment-recheck-requests.js';
import * as m038 from './038-event-profile-names.js';
import * as m039 from './039-product-view-fields.js';
import * as m040 from './040-order-lines-in-orders.js';
import * as m041 from './041-processor-slots.js';

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}
type Step = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

/** Plain numbered migrations, in order; they read as the schema's history. */
const steps: Record<string, Step> = {
  '001-initial': m001,
  '002-processor-failures': m002,
  '003-merge-lookup': m003,
  '004-store-data': m004,
  '005-imports': m005,
  '006-sftp': m006,
  '007-insights': m007,
  '008-recommendations': m008,
  '009-connector-shop-domain': m009,
  '010-key-lifecycle': m010,
  '012-event-time-adjusted': m012,
  '013-event-profiles': m013,
  '014-derived-file': m014,
  '015-dropped-events': m015,
  '016-segments': m016,
  '017-segment-membership': m017,
  '018-rfm': m018,
  '019-messaging': m019,
  '020-channels': m020,
  '021-journeys': m021,
  '022-journey-runs': m022,
  '023-budget-index': m023,
  '024-users': m024,
  '025-learned-products': m025,
  '026-customer-value-fits': m026,
  '027-recommendation-fits': m027,
  '028-overview-index': m028,
  '029-provider-credentials': m029,
  '030-product-non-product': m030,
  '031-message-contents': m031,
  '032-buy-again-prior': m032,
  '033-stock-rechecks': m033,
  '034-profile-time-zones': m034,
  '035-profile-timers': m035,
  '036-product-views-index': m036,
  '037-segment-recheck-requests': m037,
  '038-event-profile-names': m038,
  '039-product-view-fields': m039,
  '040-order-lines-in-orders': m040,
  '041-processor-slots': m041,
};

export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return {
    getMigrations(): Promise<Record<string, Migration>> {
      const out: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(steps)) {
        out[name] = { up: (db) => step.up(db, ctx) };
      }
      return Promise.resolve(out);
    },
  };
}
