import { benchmarkSynth, generatedPlatform } from '../../src/bench';
import { findProblems } from '../../src/model/load';

describe('the benchmark', () => {
  it('generates valid models of any size, with distinct names and networks', () => {
    expect(findProblems(generatedPlatform(10))).toEqual([]);
  });

  it('synthesizes a generated model completely (outputs included), so `npm run bench` measures real work', () => {
    expect(benchmarkSynth(5).environments).toBe(5);
  });
});
