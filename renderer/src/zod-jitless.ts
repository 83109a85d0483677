/**
 * Imported first by main.tsx, before any schema is built: zod's JIT probes for eval with
 * `new Function('')`, which the CSP (script-src without 'unsafe-eval') refuses and reports as a
 * securitypolicyviolation even though zod catches it. Under that CSP the JIT can never run anyway.
 */
import { z } from 'zod';

z.config({ jitless: true });
