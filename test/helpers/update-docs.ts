/** Rewrites the generated sections of README.md (`npm run docs`). */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/node/atomicFile.ts';
import { withGeneratedSections } from './docs.ts';

const path = new URL('../../README.md', import.meta.url);
writeFileAtomic(path.pathname, withGeneratedSections(readFileSync(path, 'utf8')));
