import { describe, expect, it } from 'vitest';
import { DEFAULT_RFM_CONFIG, validateRfmConfig } from './rfm-config.js';
import type { RfmConfig } from './rfm-config.js';

describe('validateRfmConfig', () => {
  it('accepts the default: quintiles, average ties, customers only', () => {
    expect(DEFAULT_RFM_CONFIG).toEqual({ buckets: 5, recencyFrom: 'recencyDays', ties: 'average', onlyCustomers: true });
    expect(validateRfmConfig(DEFAULT_RFM_CONFIG)).toEqual([]);
  });

  it('accepts 3..10 buckets and refuses the rest', () => {
    for (let buckets = 3; buckets <= 10; buckets++) expect(validateRfmConfig({ ...DEFAULT_RFM_CONFIG, buckets })).toEqual([]);
    for (const buckets of [2, 11, 4.5, Number.NaN]) {
      expect(validateRfmConfig({ ...DEFAULT_RFM_CONFIG, buckets })[0]).toContain('buckets must be an integer from 3 to 10');
    }
  });

  it('refuses unknown ties and recency sources coming from untyped JSON', () => {
    const bad = JSON.parse('{"buckets":5,"recencyFrom":"lastSeen","ties":"first","onlyCustomers":"yes"}') as RfmConfig;
    expect(validateRfmConfig(bad)).toEqual([
      "recencyFrom must be 'recencyDays', got lastSeen",
      'ties must be one of average, min, got first',
      'onlyCustomers must be a boolean',
    ]);
  });
});
