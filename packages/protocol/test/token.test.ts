import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signViewToken, verifyViewToken } from '../src/token.js';

interface Vectors {
  leewaySeconds: number;
  valid: { secret: string; site?: string; postId: number; expiresAt: number; token: string }[];
  invalid: {
    description: string;
    secret: string;
    site?: string;
    postId: number;
    nowSeconds: number;
    token: string;
    code: string;
  }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../test-vectors/tokens.json', import.meta.url), 'utf8'),
) as Vectors;

describe('view tokens', () => {
  it.each(vectors.valid)(
    'should sign post $postId of site "$site" exactly as the shared vector',
    (vector) => {
      expect(signViewToken(vector.secret, vector.postId, vector.expiresAt, vector.site)).toBe(
        vector.token,
      );
    },
  );

  it.each(vectors.valid)(
    'should accept the shared vector for post $postId of site "$site" before it expires',
    (v) => {
      const check = verifyViewToken(v.secret, v.token, v.postId, {
        site: v.site,
        nowSeconds: v.expiresAt - 1,
      });
      expect(check).toEqual({ ok: true, expiresAt: v.expiresAt });
    },
  );

  it.each(vectors.invalid)('should refuse a token with $description', (v) => {
    const check = verifyViewToken(v.secret, v.token, v.postId, {
      site: v.site,
      nowSeconds: v.nowSeconds,
    });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.error.code).toBe(v.code);
  });

  it('should accept a token within the clock-skew leeway after expiry', () => {
    const token = signViewToken('k', 7, 1000);
    expect(verifyViewToken('k', token, 7, { nowSeconds: 1000 + vectors.leewaySeconds }).ok).toBe(
      true,
    );
    expect(verifyViewToken('k', token, 7, { nowSeconds: 1001 + vectors.leewaySeconds }).ok).toBe(
      false,
    );
  });

  it('should accept a token signed by any of several secrets, as during a rotation', () => {
    const oldToken = signViewToken('old-secret', 7, 2000);
    const newToken = signViewToken('new-secret', 7, 2000);
    const both = ['new-secret', 'old-secret'];
    expect(verifyViewToken(both, oldToken, 7, { nowSeconds: 1000 })).toEqual({
      ok: true,
      expiresAt: 2000,
    });
    expect(verifyViewToken(both, newToken, 7, { nowSeconds: 1000 }).ok).toBe(true);
    // Once the old secret is removed, its tokens are forged as far as the server knows.
    const check = verifyViewToken(['new-secret'], oldToken, 7, { nowSeconds: 1000 });
    expect(check.ok ? undefined : check.error.code).toBe('invalid_token');
    // An expired token of a secret still accepted says so.
    const late = verifyViewToken(both, oldToken, 7, { nowSeconds: 3000 });
    expect(late.ok ? undefined : late.error.code).toBe('token_expired');
    expect(verifyViewToken([], newToken, 7, { nowSeconds: 1000 }).ok).toBe(false);
  });

  it('should refuse to sign with an empty secret or a bad post id', () => {
    expect(() => signViewToken('', 1, 1000)).toThrow(/secret/);
    expect(() => signViewToken('k', 0, 1000)).toThrow(/postId/);
    expect(() => signViewToken('k', 1.5, 1000)).toThrow(/postId/);
  });

  it('should refuse to sign for a malformed site', () => {
    expect(() => signViewToken('k', 1, 1000, '')).toThrow(/site/);
    expect(() => signViewToken('k', 1, 1000, 'a.b')).toThrow(/site/);
    expect(() => signViewToken('k', 1, 1000, 'x'.repeat(65))).toThrow(/site/);
    expect(signViewToken('k', 1, 1000, 'x'.repeat(64))).toMatch(/^v2\.x{64}\.1\.1000\./);
  });
});
