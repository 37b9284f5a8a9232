/**
 * `npm run map -- <command>` (and bin/map.js): inspect, route and render campus maps. The work is in
 * adapters/runMapCli.ts so tests can run it in-process; this entry only sets the exit code.
 *   inspect FILE | route FILE FROM TO | render FILE OUT.svg [--route FROM TO]   (npm run map -- help)
 */
import { runMapCli } from './adapters/runMapCli.ts';

process.exitCode = await runMapCli(process.argv.slice(2));
