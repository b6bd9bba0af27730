import { z } from 'zod';

// Imported first by the page's script: the page's Content-Security-Policy allows no `eval`, and
// Zod would otherwise probe `new Function` to compile its parsers (the browser reports the
// refused probe as a violation). Without that compiling, Zod parses the same.
z.config({ jitless: true });
