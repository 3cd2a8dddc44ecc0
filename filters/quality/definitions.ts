/**
 * Which definitions of "word" and "line" the quality rules use (option `definitions`):
 * - `paper` (default): as the papers state the rules. Words are whitespace-separated words
 *   (text/spacedWords.ts), lines are the non-blank lines.
 * - `datatrove`: datatrove's code, as FineWeb ran it: NLTK-like word and punctuation tokens
 *   (text/words.ts), every line counted, blank ones included. For exact FineWeb replication.
 */
import { z } from 'zod';

export const DefinitionsOption = z.enum(['paper', 'datatrove']).default('paper');
export type Definitions = z.output<typeof DefinitionsOption>;
