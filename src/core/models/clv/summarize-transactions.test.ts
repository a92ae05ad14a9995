import { describe, expect, it } from 'vitest';
import type { ClvTransaction } from './summarize-transactions.js';
import { summarizeTransactions } from './summarize-transactions.js';

const day = (iso: string, hour = 12): number => Date.parse(`${iso}T${String(hour).padStart(2, '0')}:00:00Z`);

const transactions: ClvTransaction[] = [
  // a: first on Wed 2024-01-03 (two purchases that day merge), then Thu 01-04 (same week), Mon 01-15, Sun 01-28
  { customerId: 'a', atMs: day('2024-01-03', 9), amount: 10 },
  { customerId: 'a', atMs: day('2024-01-03', 18), amount: 5 },
  { customerId: 'a', atMs: day('2024-01-04'), amount: 20 },
  { customerId: 'a', atMs: day('2024-01-15'), amount: 30 },
  { customerId: 'a', atMs: day('2024-01-31', 23), amount: 40 },
  // holdout: two on one day, one later, one after the holdout end
  { customerId: 'a', atMs: day('2024-02-02'), amount: 1 },
  { customerId: 'a', atMs: day('2024-02-02'), amount: 2 },
  { customerId: 'a', atMs: day('2024-02-20'), amount: 4 },
  { customerId: 'a', atMs: day('2024-03-20'), amount: 8 },
  // b: one purchase only
  { customerId: 'b', atMs: day('2024-01-10'), amount: 7 },
  // c: first seen in the holdout period
  { customerId: 'c', atMs: day('2024-02-10'), amount: 9 },
];

describe('summarizeTransactions', () => {
  const calibrationEndMs = day('2024-01-31', 0); // the whole day of Jan 31 belongs to calibration
  const holdoutEndMs = day('2024-02-29', 0);

  it('merges purchases on the same day; days as the unit', () => {
    const res = summarizeTransactions(transactions, { calibrationEndMs, holdoutEndMs, unit: 'day' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const [a, b, ...rest] = res.value.customers;
    expect(rest).toEqual([]);
    // a: buckets Jan 3 (15), Jan 4 (20), Jan 15 (30), Jan 31 (40): x = 3, t_x = 28, T = 28
    expect(a).toEqual({ customerId: 'a', x: 3, tx: 28, T: 28, meanSpend: 30, firstPurchaseMs: day('2024-01-03', 9), holdout: { purchases: 2, spend: 7 } });
    expect(b).toEqual({ customerId: 'b', x: 0, tx: 0, T: 21, meanSpend: 0, firstPurchaseMs: day('2024-01-10'), holdout: { purchases: 0, spend: 0 } });
    expect(res.value).toMatchObject({
      holdoutLength: 29,
      transactionsInCalibration: 6,
      transactionsInHoldout: 4,
      transactionsAfter: 1,
      customersWithoutCalibrationPurchase: 1,
    });
  });

  it('weeks: fractional from day buckets, whole from Monday-to-Sunday week buckets', () => {
    const days = summarizeTransactions(transactions, { calibrationEndMs, unit: 'week' });
    if (!days.ok) throw new Error(days.error.join());
    expect(days.value.customers[0]).toMatchObject({ x: 3, tx: 4, T: 4 });
    expect(days.value.customers[1]).toMatchObject({ x: 0, T: 3 });
    expect(days.value.customers[0]?.holdout).toBeUndefined();
    expect(days.value.transactionsAfter).toBe(5); // without a holdout, everything after the calibration end

    const weeks = summarizeTransactions(transactions, { calibrationEndMs, unit: 'week', mergeWithin: 'unit' });
    if (!weeks.ok) throw new Error(weeks.error.join());
    // a: weeks of Jan 1 (Jan 3 + Jan 4 merged: 35), Jan 15 (30), Jan 29 (40): x = 2, t_x = 4, T = 4
    expect(weeks.value.customers[0]).toMatchObject({ x: 2, tx: 4, T: 4, meanSpend: 35 });
    // b: week of Jan 8, end in the week of Jan 29: T = 3
    expect(weeks.value.customers[1]).toMatchObject({ x: 0, tx: 0, T: 3 });
  });

  it('refuses invalid input with the reasons', () => {
    const bad = summarizeTransactions(
      [
        { customerId: '', atMs: 0, amount: 1 },
        { customerId: 'x', atMs: Number.NaN, amount: 1 },
        { customerId: 'x', atMs: 0, amount: Number.POSITIVE_INFINITY },
      ],
      { calibrationEndMs, unit: 'day' },
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toHaveLength(3);
    const badEnd = summarizeTransactions([], { calibrationEndMs, holdoutEndMs: calibrationEndMs - 1, unit: 'day' });
    expect(badEnd.ok).toBe(false);
  });
});
