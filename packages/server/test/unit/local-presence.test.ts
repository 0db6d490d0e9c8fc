import { describe, expect, it } from 'vitest';
import { LocalPresence } from '../../src/local-presence.js';

describe('LocalPresence', () => {
  it('should take one lease for a visitor however many tabs view the post', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.addSocket('s2', 'alice');
    expect(local.join('s1', 7)).toEqual({ firstForVisitor: true });
    expect(local.join('s2', 7)).toEqual({ firstForVisitor: false });
    expect(local.leases()).toEqual(new Map([[7, ['alice']]]));
  });

  it('should drop the lease only when the last tab leaves', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.addSocket('s2', 'alice');
    local.join('s1', 7);
    local.join('s2', 7);
    expect(local.leave('s1', 7)).toEqual({ postId: 7, lastForVisitor: false, lostInterest: true });
    expect(local.isViewing('alice', 7)).toBe(true);
    expect(local.removeSocket('s2')).toEqual([
      { postId: 7, lastForVisitor: true, lostInterest: true },
    ]);
    expect(local.isViewing('alice', 7)).toBe(false);
    expect(local.leases().size).toBe(0);
  });

  it('should ignore a leave of a post the socket never joined', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    expect(local.leave('s1', 7)).toBeUndefined();
    expect(local.leave('nope', 7)).toBeUndefined();
  });

  it('should keep a socket interested in a post it still watches after leaving it', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.watch('s1', 7);
    local.join('s1', 7);
    expect(local.postsOf('s1')).toBe(1);
    expect(local.leave('s1', 7)).toMatchObject({ lostInterest: false });
    expect(local.isInterested('s1', 7)).toBe(true);
    expect(local.unwatch('s1', 7)).toBe(true);
    expect(local.isInterested('s1', 7)).toBe(false);
  });

  it('should list posts watched without viewers so their counts are still checked', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.addSocket('s2', 'bob');
    local.watch('s1', 1);
    local.watch('s1', 2);
    local.join('s2', 2);
    expect(local.watchedOnlyPosts()).toEqual([1]);
  });

  it('should find the sockets of a visitor interested in a post', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.addSocket('s2', 'alice');
    local.addSocket('s3', 'alice');
    local.join('s1', 5);
    local.watch('s2', 5);
    expect(local.interestedSocketsOf('alice', 5).sort()).toEqual(['s1', 's2']);
  });
  it('should count the leases it holds', () => {
    const local = new LocalPresence();
    local.addSocket('s1', 'alice');
    local.addSocket('s2', 'alice');
    local.join('s1', 1);
    local.join('s2', 1);
    local.join('s1', 2);
    expect(local.leaseCount).toBe(2);
    local.removeSocket('s1');
    expect(local.leaseCount).toBe(1);
  });
});
