import { defineStoreConformance } from '@switchyard/testkit/conformance';
import { createMemoryStore } from '../src/index.js';

defineStoreConformance('memory', async () => createMemoryStore());
