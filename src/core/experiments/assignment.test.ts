import { describe, expect, it } from 'vitest';
import { armForBucket, assignArm, assignmentBucket, fmix32, inHoldout } from './assignment.js';

const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

describe('assignArm', () => {
  it('is deterministic, and pinned: these buckets must never change under hash v1', () => {
    expect(assignArm('home-hero', 1, 'user-42', [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }])).toBe(
      assignArm('home-hero', 1, 'user-42', [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }]),
    );
    const pinned = ['user-0', 'user-1', 'anon:7f3a', 'é🙂'].map((id) => assignmentBucket('home-hero', 1, id));
    expect(pinned.every((b) => b >= 0 && b < 1)).toBe(true);
    // Snapshot of the values so a change in the hash or its input layout fails loudly.
    expect(pinned.map((b) => b.toFixed(10))).toMatchInlineSnapshot(`
      [
        "0.1005311061",
        "0.1666343277",
        "0.3593799430",
        "0.1906630732",
      ]
    `);
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
  });

  it('respects the weights within tolerance over 100k ids', () => {
    const arms = [{ key: 'control', weight: 50 }, { key: 'segments', weight: 25 }, { key: 'personal', weight: 25 }];
    const counts = new Map<string, number>();
    for (const id of ids) {
      const arm = assignArm('exp', 1, id, arms);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    // 4 binomial standard deviations at 100k: about 0.0063 for a share of 0.5.
    expect(Math.abs((counts.get('control') ?? 0) / ids.length - 0.5)).toBeLessThan(0.0063);
    expect(Math.abs((counts.get('segments') ?? 0) / ids.length - 0.25)).toBeLessThan(0.0055);
    expect(Math.abs((counts.get('personal') ?? 0) / ids.length - 0.25)).toBeLessThan(0.0055);
  });

  it('buckets are uniform: each tenth of [0, 1) gets about a tenth of the ids', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const id of ids) {
      const d = Math.floor(assignmentBucket('exp', 1, id) * 10);
      deciles[d] = (deciles[d] ?? 0) + 1;
    }
    for (const c of deciles) expect(Math.abs(c / ids.length - 0.1)).toBeLessThan(0.004);
  });

  it('a new version reshuffles independently of the old split', () => {
    const arms = [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }];
    let same = 0;
    for (const id of ids) if (assignArm('exp', 1, id, arms) === assignArm('exp', 2, id, arms)) same++;
    // Independent 50/50 splits agree for half the units.
    expect(Math.abs(same / ids.length - 0.5)).toBeLessThan(0.0063);
  });

  it('adding an arm keeps a unit exactly when its bucket stays inside its arm (first arm: everyone below its new end)', () => {
    const before = [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }];
    const after = [...before, { key: 'c', weight: 1 }];
    let kept = 0;
    for (const id of ids) {
      const bucket = assignmentBucket('exp', 1, id);
      const old = armForBucket(bucket, before);
      const now = armForBucket(bucket, after);
      if (old === 'a' && bucket < 1 / 3) expect(now).toBe('a');
      if (now === 'c') expect(bucket).toBeGreaterThanOrEqual(2 / 3);
      if (old === now) kept++;
    }
    // Overlaps: a [0, 1/2) ∩ [0, 1/3) = 1/3, b [1/2, 1) ∩ [1/3, 2/3) = 1/6: half the units keep their arm.
    expect(Math.abs(kept / ids.length - 0.5)).toBeLessThan(0.0063);
  });

  it('ramping 10/90 to 50/50 moves only the units between 0.1 and 0.5', () => {
    let moved = 0;
    for (const id of ids.slice(0, 20_000)) {
      const bucket = assignmentBucket('exp', 1, id);
      const old = assignArm('exp', 1, id, [{ key: 't', weight: 10 }, { key: 'c', weight: 90 }]);
      const now = assignArm('exp', 1, id, [{ key: 't', weight: 50 }, { key: 'c', weight: 50 }]);
      if (old !== now) {
        moved++;
        expect(bucket >= 0.1 && bucket < 0.5).toBe(true);
      }
    }
    expect(moved / 20_000).toBeGreaterThan(0.37);
  });

  it('zero-weight arms get nobody; invalid weights throw', () => {
    for (const id of ids.slice(0, 2000)) expect(assignArm('exp', 1, id, [{ key: 'off', weight: 0 }, { key: 'on', weight: 1 }])).toBe('on');
    expect(() => assignArm('exp', 1, 'u', [])).toThrow(RangeError);
    expect(() => assignArm('exp', 1, 'u', [{ key: 'a', weight: -1 }])).toThrow(RangeError);
    expect(() => assignArm('exp', 1, 'u', [{ key: 'a', weight: 0 }])).toThrow(RangeError);
  });
});

describe('inHoldout', () => {
  it('holds out the requested share, independently of every experiment split', () => {
    let held = 0;
    let heldInA = 0;
    let a = 0;
    for (const id of ids) {
      const h = inHoldout(id, 0.1, 'global');
      const arm = assignArm('exp', 1, id, [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }]);
      if (h) held++;
      if (arm === 'a') {
        a++;
        if (h) heldInA++;
      }
    }
    expect(Math.abs(held / ids.length - 0.1)).toBeLessThan(0.004);
    expect(Math.abs(heldInA / a - 0.1)).toBeLessThan(0.006);
    expect(inHoldout('user-1', 0, 'global')).toBe(false);
    expect(inHoldout('user-1', 1, 'global')).toBe(true);
    expect(() => inHoldout('user-1', 1.5)).toThrow(RangeError);
  });
});
