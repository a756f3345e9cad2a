/** Minimal typings for the parts of jstat tacit uses (the package ships none). */
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
    pdf(x: number, ...params: number[]): number;
  }
  const jStat: {
    studentt: Distribution;
    normal: Distribution;
    chisquare: Distribution;
    centralF: Distribution;
    beta: Distribution;
    gamma: Distribution;
    [key: string]: unknown;
  };
  export default jStat;
}
