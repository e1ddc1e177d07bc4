import { decimal } from '../../src/cost/format';

describe('decimal (the cost reports write numbers as Intl.NumberFormat en-US does, without its start-up)', () => {
  /** A deterministic spread of values: every magnitude from 1e-9 to 1e22, ties at each rounding place, negatives. */
  const values: number[] = [0, -0, 1.005, 2.675, 0.125, 0.0005, 9.995, 999.9995, 99999.995, 1e-7, 1.5e-9, 1e21, 1.2345e22, 123456789.125, 0.1 * 3, 1460, 21.68];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let exponent = -9; exponent <= 22; exponent++)
    for (let i = 0; i < 60; i++) {
      const v = random() * 10 ** exponent;
      values.push(v, Math.round(v * 1000) / 1000, Math.round(v * 200) / 200 + 0.0005, Math.round(v * 1e6) / 1e6);
    }
  values.push(...values.map((v) => -v));

  it.each([
    [2, 2],
    [3, 0],
    [6, 0],
    [0, 0],
  ])('matches Intl at %i decimals (at least %i)', (max, min) => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: max, minimumFractionDigits: min });
    const differ = values.filter((v) => decimal(v, max, min) !== intl.format(v)).map((v) => ({ v, ours: decimal(v, max, min), intl: intl.format(v) }));
    expect(differ).toEqual([]);
  });

  it('groups thousands and keeps the sign of what rounds to zero', () => {
    expect(decimal(1234567.891, 2, 2)).toBe('1,234,567.89');
    expect(decimal(-0.001, 2, 2)).toBe('-0.00');
    expect(decimal(1.005, 2)).toBe('1.01');
  });
});
