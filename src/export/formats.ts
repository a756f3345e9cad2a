/** The output formats of `tacit export`: apart from export.ts so the CLI lists them without loading the writers. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
/** One output format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
