/** What command groups need to know about the program itself. */
export interface ProgramInfo {
  readonly version: string;
}
