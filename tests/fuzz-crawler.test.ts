// Short fuzz run of what the crawler reads from the web (issue 19): robots.txt (against robots-parser's own
// matcher), sitemaps, links (against htmlparser2) and URL normalisation (idempotent, fast path == slow path).
import { linksTarget, robotsTarget, sitemapTarget, urlTarget } from '../scripts/fuzz/crawlerTargets.js';
import { fuzzTest } from './helpers/fuzz.js';

fuzzTest(robotsTarget, 300);
fuzzTest(sitemapTarget, 300);
fuzzTest(linksTarget, 300);
fuzzTest(urlTarget, 500);
