/**
 * The slice of jStat's API tacit uses (the package ships no types). jStat is the UMD build
 * `jstat/dist/jstat.js`; its default export is the jStat function carrying the distributions.
 */
declare module 'jstat' {
  interface ContinuousDistribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  interface JStat {
    studentt: ContinuousDistribution;
    normal: ContinuousDistribution;
  }
  const jStat: JStat;
  export default jStat;
}
