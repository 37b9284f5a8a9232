import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InMemoryTokenRepository } from '../TokenRepository.ts';
import { roleAllows } from './roles.ts';
import { createToken, hashToken, looksLikeToken } from './tokens.ts';

describe('API tokens', () => {
  it('are fleet_ + 32 random bytes, stored only as their SHA-256', () => {
    const { token, record } = createToken('dispatcher', 'desk 1', 1234);
    expect(token).toMatch(/^fleet_[A-Za-z0-9_-]{43}$/);
    expect(looksLikeToken(token)).toBe(true);
    expect(record.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(record)).not.toContain(token.slice(6));
    expect(record).toMatchObject({ role: 'dispatcher', name: 'desk 1', createdAt: 1234, revokedAt: null });
    expect(createToken('viewer', 'x', 0).token).not.toBe(token);
  });

  it('are found by hash until revoked', () => {
    const repo = new InMemoryTokenRepository();
    const { token, record } = createToken('admin', 'ops', 0);
    repo.add(record);
    expect(repo.findActiveByHash(hashToken(token))?.role).toBe('admin');
    expect(repo.revoke(record.id, 5)).toBe(true);
    expect(repo.findActiveByHash(hashToken(token))).toBeUndefined();
  });

  it('roles nest: admin ⊇ dispatcher ⊇ viewer', () => {
    expect(roleAllows('admin', 'dispatcher')).toBe(true);
    expect(roleAllows('dispatcher', 'viewer')).toBe(true);
    expect(roleAllows('viewer', 'dispatcher')).toBe(false);
    expect(roleAllows('dispatcher', 'admin')).toBe(false);
  });
});
