import { journeyCrashSuite } from './journey-crash-suite.js';

journeyCrashSuite('postgres');
