import { VISITOR_ID_PATTERN } from '@vip-presence/protocol';
import { describe, expect, it } from 'vitest';
import { generateVisitorId, loadVisitorId, type VisitorIdStorage } from '../../src/visitor-id.js';

const random = (array: Uint8Array) => crypto.getRandomValues(array);

function memoryStorage(): VisitorIdStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

describe('visitor id', () => {
  it('should generate ids the protocol accepts', () => {
    for (let i = 0; i < 100; i++) expect(generateVisitorId(random)).toMatch(VISITOR_ID_PATTERN);
  });

  it('should use every byte of a cryptographic random source', () => {
    expect(generateVisitorId((array) => array.fill(0))).toBe('A'.repeat(22));
    expect(generateVisitorId((array) => array.fill(255))).toBe('_'.repeat(22));
  });

  it('should keep one id per browser in storage, shared by its tabs', () => {
    const storage = memoryStorage();
    const first = loadVisitorId(storage, 'key', random);
    expect(storage.data.get('key')).toBe(first);
    expect(loadVisitorId(storage, 'key', random)).toBe(first);
  });

  it('should replace a stored id the protocol would refuse', () => {
    const storage = memoryStorage();
    storage.data.set('key', 'bad id!');
    const id = loadVisitorId(storage, 'key', random);
    expect(id).toMatch(VISITOR_ID_PATTERN);
    expect(storage.data.get('key')).toBe(id);
  });

  it('should fall back to an id in memory when storage throws', () => {
    const throwing: VisitorIdStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(loadVisitorId(throwing, 'key', random)).toMatch(VISITOR_ID_PATTERN);
    expect(loadVisitorId(undefined, 'key', random)).toMatch(VISITOR_ID_PATTERN);
  });
});
