import { MemoryStore } from '../../src/index.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('the memory store', async () => {
  let stores: MemoryStore[] = [];
  return {
    store(options) {
      // One process, one map: stores made for one test share nothing but what they are told.
      const store = new MemoryStore(options);
      stores.push(store);
      return store;
    },
    async reset() {
      stores = [];
    },
    async stop() {},
  };
});
