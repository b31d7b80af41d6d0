import { run } from './program.js';

// process.exit, not exitCode: a PKCS#11 module may leave native handles that would keep the process alive.
process.exit(await run(process.argv));
