/**
 * Imported first by each page script: the pages' Content-Security-Policy allows no `eval`,
 * and Zod would otherwise probe `new Function` to compile its parsers (the throw is caught,
 * but the browser still reports a violation). Without that compiling, Zod parses the same.
 */
import { z } from 'zod';

z.config({ jitless: true });
