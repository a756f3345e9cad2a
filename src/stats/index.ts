/** Statistics for comparing runs across seeds: descriptive, bootstrap intervals, tests, corrections. */
export * from './descriptive.js';
export * from './distributions.js';
export * from './bootstrap.js';
export * from './tests.js';
export * from './multiple.js';
export * from './letters.js';
