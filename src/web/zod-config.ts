// Must be the first import of the app. Zod 4 compiles object parsers with `new Function` and
// probes for it at schema-construction time; our CSP has no 'unsafe-eval', so the probe would
// raise a securitypolicyviolation. Jitless mode skips both the probe and the compilation.
import { z } from 'zod';

z.config({ jitless: true });
