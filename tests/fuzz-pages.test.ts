// Short fuzz run of HTML pages through extract and charset detection, and of CLI argument vectors (issue 19).
import { charsetTarget, extractTarget } from '../scripts/fuzz/fileTargets.js';
import { cliTarget } from '../scripts/fuzz/cliTarget.js';
import { fuzzTest } from './helpers/fuzz.js';

fuzzTest(extractTarget, 150);
fuzzTest(charsetTarget, 300);
fuzzTest(cliTarget, 60);
