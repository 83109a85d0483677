// A classic script in index.html's head, so it runs before any module (zod's among them) whatever
// chunk the bundler puts zod in. zod's JIT probes for eval with `new Function('')`, which the CSP
// (script-src without 'unsafe-eval') refuses and reports as a securitypolicyviolation even though
// zod catches it; under that CSP the JIT can never run anyway. zod keeps its global config in
// globalThis.__zod_globalConfig (what z.config writes) and keeps an object already there.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
