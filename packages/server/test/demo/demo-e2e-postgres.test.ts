import { demoE2eSuite } from './demo-e2e-suite.js';

demoE2eSuite('postgres');
