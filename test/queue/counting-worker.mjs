// The sweep tests' stand-in seed worker (test/sweep/fake-worker.mjs: no worlds run), noting each
// thread it starts in the file $TACIT_TEST_THREAD_LOG names, so a test can count a worker's threads.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

appendFileSync(process.env.TACIT_TEST_THREAD_LOG, `${threadId}\n`);
await import('../sweep/fake-worker.mjs');
