/**
 * The slice of jStat's API that tacit uses (jstat ships no type declarations). Only the
 * distribution functions are declared; everything else stays untyped on purpose.
 */
declare module 'jstat' {
  interface ContinuousDistribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  interface JStatApi {
    normal: ContinuousDistribution;
    studentt: ContinuousDistribution;
    chisquare: ContinuousDistribution;
  }
  const jStat: JStatApi;
  export default jStat;
}
