export { createMockProvider, defaultEmbeddingDimensions, defaultFixedReply, type MockProviderOptions } from './mock-provider.js';
